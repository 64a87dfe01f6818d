import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { deltaJarCoordinates, pythonRequirements, SYNAPSE_RUNTIME } from "../config/runtime";
import { REPO_ROOT } from "../config/stack";
import { probe, runStreaming } from "./proc";

/** The repository root, defined once in config/ (re-exported so the commands keep importing it from here). */
export { REPO_ROOT };
const VENV = join(REPO_ROOT, ".venv");
const MARKER = join(VENV, "relmesh-env.json");

/** How to start the project's Python with Spark and Delta ready. */
export interface PythonEnv {
  python: string;
  env: NodeJS.ProcessEnv;
}

interface Marker {
  requirements: string[];
  jars: string[];
}

function log(message: string): void {
  process.stderr.write(`relmesh: ${message}\n`);
}

function basePython(): string {
  const wanted = SYNAPSE_RUNTIME.python;
  for (const candidate of [`python${wanted}`, "python3", "python"]) {
    const version = probe(candidate, ["--version"]);
    const match = version?.match(/Python (\d+)\.(\d+)/);
    if (!match) continue;
    const minor = Number(match[2]);
    if (Number(match[1]) === 3 && minor >= 9 && minor <= 11) return candidate;
  }
  throw new Error(
    `no Python 3.9–3.11 found (Spark ${SYNAPSE_RUNTIME.pyspark} does not support newer ones; Synapse runs ${wanted}): install python${wanted} and retry`,
  );
}

function checkJava(): void {
  const version = probe("java", ["-version"]);
  if (!version) {
    throw new Error(
      `Java is not installed: Spark needs Java ${SYNAPSE_RUNTIME.java} (Debian: apt-get install openjdk-${SYNAPSE_RUNTIME.java}-jre-headless)`,
    );
  }
}

function readMarker(): Marker | undefined {
  try {
    return JSON.parse(readFileSync(MARKER, "utf8")) as Marker;
  } catch {
    return undefined;
  }
}

/** Fetches the Delta jars once with Maven, so Spark does not need to download them at every start. */
async function fetchDeltaJars(): Promise<string[]> {
  const dir = join(VENV, "jars");
  mkdirSync(dir, { recursive: true });
  if (!probe("mvn", ["-v"])) {
    log("Maven not found: Spark will download the Delta jars itself on first start");
    return [];
  }
  for (const artifact of deltaJarCoordinates()) {
    log(`fetching ${artifact} with Maven`);
    const code = await runStreaming(
      "mvn",
      ["-q", "-B", "-Dstyle.color=never", "dependency:copy", `-Dartifact=${artifact}`, `-DoutputDirectory=${dir}`],
      {
        cwd: REPO_ROOT,
        // eslint-disable-next-line no-control-regex
        onLine: (line) => line.replace(/\x1b\[[0-9;]*m/g, "").trim() && log(`  mvn: ${line}`),
      },
    );
    if (code !== 0) {
      log(`Maven could not fetch ${artifact} (exit ${code}): Spark will download the Delta jars itself`);
      return [];
    }
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jar"))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * The Delta jars the marker names, in this checkout's .venv/jars: the marker may have been written
 * by the same .venv at another path (a moved clone, a worktree sharing it), and jars missing there
 * would send Spark to download them, its resolver's output mixed into the notebooks' stdout.
 */
export function jarsInVenv(recorded: string[], venv: string = VENV): string[] {
  return recorded.map((j) => join(venv, "jars", basename(j)));
}

/** Creates or reuses .venv with pyspark and delta-spark pinned to the Synapse runtime. */
export async function ensurePythonEnv(): Promise<PythonEnv> {
  const requirements = pythonRequirements();
  const python = join(VENV, "bin", "python");
  let marker = readMarker();
  const ready = marker && existsSync(python) && JSON.stringify(marker.requirements) === JSON.stringify(requirements);
  if (!ready) {
    checkJava();
    const base = basePython();
    if (!existsSync(python)) {
      log(`creating the Python environment .venv with ${base}`);
      if ((await runStreaming(base, ["-m", "venv", VENV])) !== 0) throw new Error(`'${base} -m venv .venv' failed: see the error above`);
    }
    log(`installing ${requirements.join(", ")} (first run only; a few minutes)`);
    const code = await runStreaming(python, ["-m", "pip", "install", "--progress-bar", "off", ...requirements], {
      onLine: (line) => /^(Collecting|Successfully|ERROR|Installing)/.test(line) && log(`  pip: ${line}`),
    });
    if (code !== 0) throw new Error(`pip could not install ${requirements.join(" ")} (exit ${code}): see the pip error above`);
    marker = { requirements, jars: await fetchDeltaJars() };
    writeFileSync(MARKER, JSON.stringify(marker, null, 2));
    log("Python environment ready");
  }
  const jars = jarsInVenv(marker?.jars ?? []).filter((j) => existsSync(j));
  return {
    python,
    env: {
      ...process.env,
      PYSPARK_PYTHON: python,
      PYSPARK_DRIVER_PYTHON: python,
      PYTHONDONTWRITEBYTECODE: "1",
      ...(jars.length ? { RELMESH_DELTA_JARS: jars.join(",") } : {}),
    },
  };
}
