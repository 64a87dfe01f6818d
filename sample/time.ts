/** Date arithmetic and the exact timestamp formats MGDC writes. All instants are epoch milliseconds, UTC. */
import { WINDOWS_ZONES } from "./names";

export const DAY_MS = 86_400_000;

export function parseDate(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return isoDate(parseDate(date) + days * DAY_MS);
}

/** Message and audit timestamps: `2021-02-03T00:37:46Z` (no fraction). */
export function utcStamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Event start/end: `2020-01-07T22:00:00.0000000`, seven fractional digits, zone kept apart. */
export function graphDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.0000000`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time of an instant in a Windows time zone, DST included, in Graph's format. */
export function localDateTime(ms: number, windowsZone: string): string {
  const iana = WINDOWS_ZONES[windowsZone];
  if (!iana) throw new Error(`unknown Windows time zone '${windowsZone}'`);
  let fmt = formatters.get(iana);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: iana,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(iana, fmt);
  }
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(new Date(ms))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.0000000`;
}

/** Mon..Fri carry the bulk of business traffic. */
export function isWeekend(ms: number): boolean {
  const d = new Date(ms).getUTCDay();
  return d === 0 || d === 6;
}
