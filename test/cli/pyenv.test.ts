import { join } from "node:path";
import { jarsInVenv } from "../../cli/pyenv";

test("the Delta jars a marker names are found in this checkout's .venv/jars, wherever the marker was written", () => {
  // A marker written by a clone since moved (or by a worktree sharing the .venv) names another path.
  const recorded = ["/elsewhere/clone/.venv/jars/delta-spark_2.12-3.2.1.jar", "/elsewhere/clone/.venv/jars/delta-storage-3.2.1.jar"];
  expect(jarsInVenv(recorded, "/here/.venv")).toEqual([
    join("/here/.venv", "jars", "delta-spark_2.12-3.2.1.jar"),
    join("/here/.venv", "jars", "delta-storage-3.2.1.jar"),
  ]);
  expect(jarsInVenv([], "/here/.venv")).toEqual([]);
});
