import { UsageError } from "./args";

/**
 * The `relmesh` command line. Each command lives in its own module, loaded only when used, so
 * that `relmesh sample` does not pay for loading the Pulumi SDK. (`require`, not `import()`: tsx
 * compiles these files as CommonJS, and a dynamic import would bypass it.)
 */
interface Command {
  summary: string;
  run: (argv: string[]) => Promise<number>;
}

const commands: Record<string, Command> = {
  start: {
    summary: "generate (or reuse) the sample tenant and run the analytics on local Spark",
    run: async (argv) => (require("./start") as typeof import("./start")).start(argv),
  },
  sample: {
    summary: "write a synthetic tenant in MGDC's output layout plus CRM files",
    run: async (argv) => (require("./sample") as typeof import("./sample")).sampleCommand(argv),
  },
  run: {
    summary: "run the notebooks on local Spark over data in the MGDC + CRM layout",
    run: async (argv) => (require("./run") as typeof import("./run")).runCommand(argv),
  },
  "who-knows": {
    summary: "who can introduce you to a contact or an account, from the last local run",
    run: async (argv) => (require("./who-knows") as typeof import("./who-knows")).whoKnowsCommand(argv),
  },
  evaluate: {
    summary: "do the connectivity scores separate won from lost deals? AUC per tier and for alternative rulesets, from the last local run",
    run: async (argv) => (require("./evaluate") as typeof import("./evaluate")).evaluateCommand(argv),
  },
  plan: {
    summary: "run the Pulumi program offline under mocks and list every resource",
    run: async (argv) => (require("./plan") as typeof import("./plan")).planCommand(argv),
  },
  preflight: {
    summary: "before pulumi up: check the target subscription (providers, roles, Graph permissions, region, names)",
    run: async (argv) => (require("./preflight") as typeof import("./preflight")).preflightCommand(argv),
  },
  synth: {
    summary: "write every generated Synapse artifact, the SQL and the data-access report for review",
    run: async (argv) => (require("./synth") as typeof import("./synth")).synthCommand(argv),
  },
  bench: {
    summary: "benchmark the pipeline per stage against a bare Spark scan, one new day against a full run, growth and driver memory",
    run: async (argv) => (require("./bench") as typeof import("./bench")).benchCommand(argv),
  },
  lint: {
    summary: "lint and format checks: eslint, prettier --check, ruff check, ruff format --check",
    run: async () => (require("./selftest") as typeof import("./selftest")).lintOnly(),
  },
  format: {
    summary: "format in place: prettier --write, ruff's import order, ruff format",
    run: async () => (require("./selftest") as typeof import("./selftest")).formatAll(),
  },
  test: {
    summary: "every test: lint, type-check, jest, pytest on local Spark",
    run: async (argv) => (require("./selftest") as typeof import("./selftest")).selftest(argv),
  },
  pytest: {
    summary: "the notebook tests alone (pytest on local Spark); extra arguments go to pytest",
    run: async (argv) => (require("./selftest") as typeof import("./selftest")).pytestOnly(argv),
  },
};
commands.selftest = commands.test;

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const rows = Object.entries(commands)
    .filter(([name]) => name !== "selftest")
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ["usage: relmesh <command> [options]   (relmesh <command> --help for its options)", "", ...rows].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`relmesh: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
