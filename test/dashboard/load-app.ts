/** Loads the browser app's pure modules into a bare context (no DOM), as the page's scripts would run. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";

const APP = join(__dirname, "..", "..", "dashboard", "app");

/** The `window.RM` the given scripts build, in order. */
export function loadApp(...files: string[]): any {
  const window: { RM?: any } = {};
  for (const file of files) runInNewContext(readFileSync(join(APP, file), "utf8"), { window }, { filename: file });
  return window.RM;
}
