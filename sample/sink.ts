/** Sinks for generated files: the file system for the command, memory and counting for tests. */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { TenantSink } from "./model";

const text = (content: string | readonly string[]) =>
  typeof content === "string" ? content : content.length ? `${content.join("\n")}\n` : "";

export class FsSink implements TenantSink {
  private readonly made = new Set<string>();
  constructor(private readonly root: string) {}
  write(path: string, content: string | readonly string[]): void {
    const full = join(this.root, path);
    const dir = dirname(full);
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    if (typeof content === "string") {
      writeFileSync(full, content);
      return;
    }
    // Written in slices rather than joined, so a busy day never needs a second copy of its text in memory.
    const fd = openSync(full, "w");
    try {
      for (let i = 0; i < content.length; i += 512) writeSync(fd, `${content.slice(i, i + 512).join("\n")}\n`);
    } finally {
      closeSync(fd);
    }
  }
}

export class MemorySink implements TenantSink {
  readonly files = new Map<string, string>();
  write(path: string, content: string | readonly string[]): void {
    this.files.set(path, text(content));
  }
}

/** Keeps nothing but totals, and the largest single write, which bounds what the generator buffers. */
export class CountingSink implements TenantSink {
  files = 0;
  bytes = 0;
  lines = 0;
  maxLinesPerWrite = 0;
  write(_path: string, content: string | readonly string[]): void {
    const n = typeof content === "string" ? content.split("\n").length - 1 : content.length;
    this.files++;
    this.lines += n;
    this.maxLinesPerWrite = Math.max(this.maxLinesPerWrite, n);
    this.bytes += typeof content === "string" ? content.length : content.reduce((s, l) => s + l.length + 1, 0);
  }
}
