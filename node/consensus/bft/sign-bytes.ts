// Reads the timestamp back out of length-prefixed canonical sign bytes (CanonicalVote field 5,
// CanonicalProposal field 6), as privval's checkVotesOnlyDifferByTimestamp does by unmarshalling.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.length,
  ) {}
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new Error("truncated varint");
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new Error("varint too long");
  }
  skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new Error("truncated field");
    this.pos += n;
  }
}

/** The timestamp at `field` of a varint-length-prefixed message; undefined if malformed. */
export function timestampFromSignBytes(signBytes: Uint8Array, field: number): Timestamp | undefined {
  try {
    const outer = new Reader(signBytes);
    const len = Number(outer.varint());
    if (outer.pos + len !== signBytes.length) return undefined;
    let found: Timestamp | undefined;
    while (outer.pos < outer.end) {
      const tag = Number(outer.varint());
      const wire = tag & 7;
      if (wire === 0) outer.varint();
      else if (wire === 1) outer.skip(8);
      else if (wire === 5) outer.skip(4);
      else if (wire === 2) {
        const n = Number(outer.varint());
        if (tag >>> 3 === field) found = readTimestamp(signBytes.subarray(outer.pos, outer.pos + n));
        outer.skip(n);
      } else return undefined;
    }
    return found;
  } catch {
    return undefined;
  }
}

function readTimestamp(bytes: Uint8Array): Timestamp {
  const r = new Reader(bytes);
  let seconds = 0n;
  let nanos = 0;
  while (r.pos < r.end) {
    const tag = Number(r.varint());
    if ((tag & 7) !== 0) throw new Error("unexpected wire type in Timestamp");
    const v = r.varint();
    if (tag >>> 3 === 1) seconds = BigInt.asIntN(64, v);
    else if (tag >>> 3 === 2) nanos = Number(BigInt.asIntN(32, v));
  }
  return { seconds, nanos };
}
