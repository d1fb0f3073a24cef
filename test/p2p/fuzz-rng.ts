// The gossip fuzzer's seeded PRNG and byte mutations (each mutation differs from its input).

/** sfc32 seeded through splitmix32: small, fast, reproducible. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** 0 ≤ n < max. */
  int(max: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * max);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

export function bitflip(rng: Rng, src: Uint8Array): Uint8Array {
  const out = Uint8Array.from(src);
  const flips = 1 + rng.int(4);
  for (let i = 0; i < flips; i++) {
    const at = rng.int(out.length);
    out[at] = out[at]! ^ (1 << rng.int(8));
  }
  return equal(out, src) ? bitflip(rng, src) : out;
}

/** Inserts, overwrites or appends a few random bytes. */
export function splice(rng: Rng, src: Uint8Array): Uint8Array {
  const junk = rng.bytes(1 + rng.int(8));
  const at = rng.int(src.length + 1);
  const mode = rng.int(3);
  let out: Uint8Array;
  if (mode === 0) out = new Uint8Array([...src.subarray(0, at), ...junk, ...src.subarray(at)]);
  else if (mode === 1) {
    out = Uint8Array.from(src);
    out.set(junk.subarray(0, Math.max(0, out.length - at)), at);
  } else out = new Uint8Array([...src, ...junk]);
  return equal(out, src) ? splice(rng, src) : out;
}

export function truncate(rng: Rng, src: Uint8Array): Uint8Array {
  return src.subarray(0, rng.int(src.length));
}
