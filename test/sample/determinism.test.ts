import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { hashFiles, tenant } from "./helpers";
import { CountingSink, generateTenant, MemorySink } from "../../sample";
import { parseSampleOptions, sampleCommand } from "../../cli/sample";

const small = { messages: 4000, events: 800, days: 45 };

function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(relative(root, full).split("\\").join("/"), readFileSync(full, "utf8"));
    }
  };
  walk(root);
  return files;
}

async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  const err = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    return await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("determinism", () => {
  it("the same seed and options give byte-identical files; another seed does not", () => {
    const a = new MemorySink();
    const b = new MemorySink();
    const c = new MemorySink();
    expect(generateTenant(small, a)).toEqual(generateTenant(small, b));
    expect(hashFiles(a.files)).toBe(hashFiles(b.files));
    generateTenant({ ...small, seed: 7 }, c);
    expect(hashFiles(c.files)).not.toBe(hashFiles(a.files));
  });

  it("the command writes the same tree twice, equal to the in-memory files plus tenant.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "relmesh-sample-"));
    try {
      const argv = ["--out", dir, "--messages", "4000", "--events", "800", "--days", "45"];
      expect(await quietly(() => sampleCommand(argv))).toBe(0);
      const first = readTree(dir);
      expect(await quietly(() => sampleCommand(argv))).toBe(0);
      const second = readTree(dir);
      expect(hashFiles(second)).toBe(hashFiles(first));
      const memory = new MemorySink();
      const manifest = generateTenant(small, memory);
      memory.files.set("tenant.json", `${JSON.stringify(manifest, null, 2)}\n`);
      expect(hashFiles(first)).toBe(hashFiles(memory.files));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the command's guard rails", () => {
  it("refuses a non-empty folder that is not a previous sample", async () => {
    const dir = mkdtempSync(join(tmpdir(), "relmesh-sample-"));
    try {
      writeFileSync(join(dir, "notes.txt"), "mine");
      await expect(sampleCommand(["--out", dir])).rejects.toThrow(`relmesh sample: ${dir} is not empty and has no tenant.json`);
      expect(readdirSync(dir)).toEqual(["notes.txt"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("clears a previous sample, leftovers included, before writing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "relmesh-sample-"));
    try {
      mkdirSync(join(dir, "m365", "old"), { recursive: true });
      writeFileSync(join(dir, "m365", "old", "stale.json"), "{}");
      writeFileSync(join(dir, "tenant.json"), "{}");
      await quietly(() => sampleCommand(["--out", dir, "--messages", "200", "--events", "50", "--days", "5"]));
      expect([...readTree(dir).keys()].some((p) => p.includes("stale"))).toBe(false);
      expect(JSON.parse(readFileSync(join(dir, "tenant.json"), "utf8")).generator).toBe("relmesh-sample");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [["--out", "x", "--users", "2"], "relmesh sample: --users must be a whole number from 4 to 5000, got '2'"],
    [["--out", "x", "--days", "0"], "relmesh sample: --days must be a whole number from 1 to 3650, got '0'"],
    [["--out", "x", "--messages", "1.5"], "relmesh sample: --messages must be a whole number from 0 to 20000000, got '1.5'"],
    [["--out", "x", "--end-date", "2026-02-30"], "relmesh sample: --end-date must be a calendar date as YYYY-MM-DD, got '2026-02-30'"],
    [["--users", "10"], "relmesh sample: --out DIR is required"],
    [["--out", "x", "--color"], "relmesh sample: unknown option --color"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseSampleOptions(argv)).toThrow(message);
  });
});

describe("streaming", () => {
  it("200k messages never pass more than one day's rows at a time, and the heap stays flat", () => {
    const sink = new CountingSink();
    // A collection before each reading, so the heap shows what is live rather than garbage not yet swept.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    const manifest = generateTenant({ messages: 200_000, events: 2000, days: 120 }, sink, {
      onProgress: ({ day }) => {
        if (day % 10 !== 9) return;
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      },
    });
    expect(Math.abs(manifest.counts.messageRows - 200_000)).toBeLessThan(20_000);
    // The busiest weekday holds about 1/88 of the rows; a generator that buffered more would show here.
    expect(sink.maxLinesPerWrite).toBeLessThan(200_000 / 40);
    expect(sink.lines).toBeGreaterThan(200_000);
    expect(peak).toBeLessThan(50 * 1024 * 1024);
  });

  it("the default tenant reaches its targets within 10%", () => {
    const { counts } = tenant().manifest;
    expect(counts.messageRows / 20_000).toBeCloseTo(1, 1);
    expect(counts.eventRows / 4_000).toBeCloseTo(1, 1);
  });
});
