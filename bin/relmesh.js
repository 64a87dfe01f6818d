#!/usr/bin/env node
// Entry point of the `relmesh` command. Plain JavaScript with no dependencies, so that it can run
// on a fresh clone: it installs the npm packages when they are missing, then hands over to the
// TypeScript command line in cli/ through tsx.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { spawnSync } = require("node:child_process");

const root = join(__dirname, "..");

function ensureNodeModules() {
  if (existsSync(join(root, "node_modules", "tsx")) && existsSync(join(root, "node_modules", "@pulumi", "pulumi"))) return;
  process.stderr.write("relmesh: installing npm packages (first run only)...\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // `ci` installs exactly the lock and never rewrites it, so a fresh clone stays clean. The lock lists
  // every platform's optional bindings (written by `npm install` on npm 11), so `ci` accepts it.
  const args = ["ci"];
  const result = spawnSync(npm, [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: ["ignore", process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    process.stderr.write(`relmesh: 'npm ${args[0]}' failed (exit ${result.status}); fix the error above and retry.\n`);
    process.exit(result.status ?? 1);
  }
}

ensureNodeModules();
require(require.resolve("tsx/cjs/api", { paths: [root] })).register();
require(join(root, "cli", "main.ts"))
  .main(process.argv.slice(2))
  .then((code) => process.exit(code ?? 0))
  .catch((error) => {
    process.stderr.write(`relmesh: ${error && error.message ? error.message : String(error)}\n`);
    if (process.env.RELMESH_DEBUG) process.stderr.write(`${error && error.stack}\n`);
    process.exit(1);
  });
