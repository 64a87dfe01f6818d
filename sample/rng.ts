/**
 * Seeded randomness. Every stream is derived from (seed, label) so that a day's activity does not
 * depend on how many numbers earlier days drew: the generator can stream day by day and still be
 * byte-identical run to run.
 */

/** 32-bit string hash (FNV-1a followed by a murmur finaliser) for deriving stream seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX = "0123456789abcdef";

/** sfc32: small, fast, and good enough statistically for synthetic data (not for secrets). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, label = "") {
    this.a = hash32(`${seed}:a:${label}`);
    this.b = hash32(`${seed}:b:${label}`);
    this.c = hash32(`${seed}:c:${label}`);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform whole number in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Index drawn in proportion to the weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Pareto(xm = 1, alpha): the heavy tail behind per-pair activity and deal sizes. */
  pareto(alpha: number): number {
    return 1 / Math.pow(1 - this.next(), 1 / alpha);
  }

  /** k distinct items, in draw order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }

  guid(): string {
    let s = "";
    for (let i = 0; i < 32; i++) {
      let nibble = this.u32() & 15;
      if (i === 12) nibble = 4;
      if (i === 16) nibble = 8 | (nibble & 3);
      s += HEX[nibble];
      if (i === 7 || i === 11 || i === 15 || i === 19) s += "-";
    }
    return s;
  }

  hex(length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += HEX[this.u32() & 15];
    return s.toUpperCase();
  }

  /** Base64 text of `bytes` random bytes, padded like Exchange item ids. */
  base64(bytes: number): string {
    let s = "";
    const full = Math.floor(bytes / 3) * 4;
    for (let i = 0; i < full; i++) s += B64[this.u32() & 63];
    const rest = bytes % 3;
    if (rest === 1) s += B64[this.u32() & 63] + B64[this.u32() & 48] + "==";
    if (rest === 2) s += B64[this.u32() & 63] + B64[this.u32() & 63] + B64[this.u32() & 60] + "=";
    return s;
  }
}
