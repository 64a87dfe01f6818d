/** cli/bench.ts: every option is checked before a tenant is generated or Spark starts. */
import { resolve } from "node:path";
import { parseArgs, UsageError } from "../../cli/args";
import { BENCH_SPEC, benchCommand, benchOptions } from "../../cli/bench";

const options = (argv: string[]) => benchOptions(parseArgs("bench", argv, BENCH_SPEC));

test("the defaults: 1M messages, 200k events, 365 days, seed 7, growth at 250k and 500k", () => {
  const o = options([]);
  expect([o.data, o.generate.messages, o.generate.events, o.generate.days, o.generate.seed, o.growth, o.driverMemory]).toEqual([
    undefined,
    1_000_000,
    200_000,
    365,
    7,
    [250_000, 500_000],
    "6g",
  ]);
  expect(options(["--data", "t", "--no-growth", "--driver-memory", "4g"])).toMatchObject({
    data: resolve("t"),
    growth: [],
    driverMemory: "4g",
  });
});

test.each([
  [
    ["--data", "t", "--messages", "5000", "--seed", "1"],
    "relmesh bench: --data reuses a tenant as written; drop --messages, --seed (its tenant.json says its size)",
  ],
  [["--growth", "1000", "--no-growth"], "relmesh bench: --growth and --no-growth contradict each other; keep one"],
  [["--days", "1"], "relmesh bench: --days must be a whole number from 2 to 3650, got '1'"],
  [["--driver-memory", "lots"], "relmesh bench: --driver-memory must be a size like 4g or 3072m, got 'lots'"],
  [["extra"], "relmesh bench: unexpected argument 'extra'"],
])("%j is a usage error naming the option and the fix", async (argv, message) => {
  expect(() => options(argv)).toThrow(new UsageError(message));
  await expect(benchCommand(argv)).rejects.toThrow(new UsageError(message));
});
