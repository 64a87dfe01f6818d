/** Lays a day's rows out the way an MGDC extraction run does: 1–3 GUID-named JSON-lines files plus metadata/. */
import { Rng } from "./rng";
import { RowCopy } from "./mailrows";
import { utcStamp, DAY_MS } from "./time";

export interface DayFile {
  /** Path relative to the tenant folder. */
  path: string;
  rows: Record<string, unknown>[];
  /** What is written; the default is one JSON object per line. */
  content?: string | string[];
}

export function dayFolder(dataset: string, dayStart: number): string {
  const d = new Date(dayStart).toISOString();
  return `m365/${dataset}/${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}`;
}

/**
 * Parallel extraction jobs each take a share of the mailboxes, so a user's rows sit together in one
 * file; within a mailbox, rows come in time order. datarow counts rows in the file, userrow within the user.
 */
export function layoutDay(rng: Rng, folder: string, copies: RowCopy[]): DayFile[] {
  if (copies.length === 0) return [];
  const users = new Set(copies.map((c) => c.user));
  const fileCount = Math.min(users.size, rng.int(1, 3));
  const salt = rng.int(0, 1000);
  const buckets: RowCopy[][] = Array.from({ length: fileCount }, () => []);
  for (const c of copies) buckets[(c.user * 7 + salt) % fileCount].push(c);
  const files: DayFile[] = [];
  for (const bucket of buckets) {
    const path = `${folder}/${rng.guid()}.json`;
    if (bucket.length === 0) continue;
    bucket.sort((a, b) => a.user - b.user || a.at - b.at);
    let userrow = 0;
    bucket.forEach((c, i) => {
      userrow = i > 0 && bucket[i - 1].user === c.user ? userrow + 1 : 0;
      c.row.datarow = i;
      c.row.userrow = userrow;
    });
    files.push({ path, rows: bucket.map((c) => c.row) });
  }
  return files;
}

export function fileLines(file: DayFile): string | string[] {
  return file.content ?? file.rows.map((r) => JSON.stringify(r));
}

/** Our guess at the extraction metadata (docs/platform-facts.md §2.7: its real contents are unconfirmed). */
export function metadataFor(
  rng: Rng,
  dataset: string,
  folder: string,
  dayStart: number,
  files: DayFile[],
): { path: string; content: string } {
  const columns = files.length > 0 ? Object.keys(files[0].rows[0] ?? {}) : [];
  const meta = {
    dataset,
    startTime: utcStamp(dayStart),
    endTime: utcStamp(dayStart + DAY_MS),
    rowCount: files.reduce((n, f) => n + f.rows.length, 0),
    files: files.map((f) => f.path.slice(folder.length + 1)),
    columns,
  };
  return { path: `${folder}/metadata/${rng.guid()}.json`, content: `${JSON.stringify(meta)}\n` };
}
