import { spawn, spawnSync, SpawnOptions } from "node:child_process";

/** Runs a command to completion, streaming its output line by line to `onLine` (or inheriting stdio). */
export function runStreaming(
  command: string,
  args: string[],
  options: SpawnOptions & { onLine?: (line: string, stream: "stdout" | "stderr") => void } = {},
): Promise<number> {
  const { onLine, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: onLine ? ["ignore", "pipe", "pipe"] : "inherit" });
    if (onLine) {
      for (const stream of ["stdout", "stderr"] as const) {
        let buffered = "";
        child[stream]!.setEncoding("utf8");
        child[stream]!.on("data", (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          for (const line of lines) onLine(line, stream);
        });
        child[stream]!.on("end", () => buffered && onLine(buffered, stream));
      }
    }
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}

/** The first line a command prints for `--version`-style probes, or undefined when it cannot run. */
export function probe(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`.trim().split("\n")[0];
}
