/** cli/args.ts: node:util parseArgs behind every command, with errors that name the option and the command. */
import { helpText, parseArgs, UsageError } from "../../cli/args";

const SPEC = { values: { out: "folder to write into", seed: "seed of the tenant" }, flags: { help: "show this help" } };

test("values, flags and positionals (inline --name=value too)", () => {
  const r = parseArgs("sample", ["--out=a", "--seed", "2", "--help", "extra"], SPEC);
  expect([r.values, [...r.flags], r.positionals]).toEqual([{ out: "a", seed: "2" }, ["help"], ["extra"]]);
});

test.each([
  [["--bogus"], "relmesh sample: unknown option --bogus; known options: --out, --seed, --help"],
  [["-x"], "relmesh sample: unknown option -x; known options: --out, --seed, --help"],
  [["--out"], "relmesh sample: --out needs a value (folder to write into)"],
  [["--out", "--seed", "3"], "relmesh sample: --out needs a value (folder to write into)"],
  [["--help=yes"], "relmesh sample: --help takes no value (show this help)"],
])("%j is a usage error naming the option and the command", (argv, message) => {
  expect(() => parseArgs("sample", argv, SPEC)).toThrow(new UsageError(message));
});

test("the help lists every option", () => {
  expect(helpText("sample", "write a tenant", SPEC)).toBe(
    "relmesh sample: write a tenant\n\n  --out <value>  folder to write into\n  --seed <value>  seed of the tenant\n  --help  show this help",
  );
});
