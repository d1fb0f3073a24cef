// ExecTxResult.encode for the block executor, which encodes every tx result of every block (for
// the block results and the tx index): the same bytes as cosmjs-types' encoder, written in two
// passes (sizes, then bytes) into one buffer, without the generic writer's object per field and
// per nested message, which made it ~10 µs a tx and a good part of the node's GC.
import { ExecTxResult } from "cosmjs-types/tendermint/abci/types";

const utf8 = new TextEncoder();

/** A string with a lone surrogate: cosmjs-types encodes it in its own way, so it encodes the result. */
class NotWellFormed extends Error {}

export function encodeExecTxResult(r: ExecTxResult): Uint8Array {
  try {
    return encode(r);
  } catch (err) {
    if (err instanceof NotWellFormed) return ExecTxResult.encode(r).finish();
    throw err;
  }
}

function encode(r: ExecTxResult): Uint8Array {
  // Pass 1: sizes. String byte lengths and nested message lengths are kept, in write order.
  const lens: number[] = [];
  let size = 0;
  if (r.code !== 0) size += 1 + varintLen(r.code >>> 0);
  if (r.data.length !== 0) size += field(r.data.length);
  size += stringField(r.log, lens) + stringField(r.info, lens);
  if (r.gasWanted !== 0n) size += 1 + varint64Len(r.gasWanted);
  if (r.gasUsed !== 0n) size += 1 + varint64Len(r.gasUsed);
  for (const ev of r.events) {
    const at = lens.push(0) - 1;
    let eventLen = stringField(ev.type, lens);
    for (const a of ev.attributes) {
      const attrAt = lens.push(0) - 1;
      const attrLen = stringField(a.key, lens) + stringField(a.value, lens) + (a.index === true ? 2 : 0);
      lens[attrAt] = attrLen;
      eventLen += field(attrLen);
    }
    lens[at] = eventLen;
    size += field(eventLen);
  }
  size += stringField(r.codespace, lens);

  // Pass 2: bytes, fields in number order as the generated encoder writes them.
  const out = new Uint8Array(size);
  let pos = 0;
  let next = 0;
  const tag = (t: number) => {
    out[pos++] = t;
  };
  const uvarint = (n: number) => {
    while (n > 127) {
      out[pos++] = (n & 127) | 128;
      n >>>= 7;
    }
    out[pos++] = n;
  };
  const str = (t: number, s: string) => {
    if (s === "") return;
    const len = lens[next++]!;
    tag(t);
    uvarint(len);
    if (len === s.length) {
      for (let i = 0; i < len; i++) out[pos + i] = s.charCodeAt(i);
    } else utf8.encodeInto(s, out.subarray(pos, pos + len));
    pos += len;
  };
  const int64 = (t: number, v: bigint) => {
    tag(t);
    let x = BigInt.asUintN(64, v);
    while (x > 127n) {
      out[pos++] = Number(x & 127n) | 128;
      x >>= 7n;
    }
    out[pos++] = Number(x);
  };
  if (r.code !== 0) {
    tag(8);
    uvarint(r.code >>> 0);
  }
  if (r.data.length !== 0) {
    tag(18);
    uvarint(r.data.length);
    out.set(r.data, pos);
    pos += r.data.length;
  }
  str(26, r.log);
  str(34, r.info);
  if (r.gasWanted !== 0n) int64(40, r.gasWanted);
  if (r.gasUsed !== 0n) int64(48, r.gasUsed);
  for (const ev of r.events) {
    tag(58);
    uvarint(lens[next++]!);
    str(10, ev.type);
    for (const a of ev.attributes) {
      tag(18);
      uvarint(lens[next++]!);
      str(10, a.key);
      str(18, a.value);
      if (a.index === true) {
        tag(24);
        tag(1);
      }
    }
  }
  str(66, r.codespace);
  if (pos !== size) throw new Error(`ExecTxResult encoding wrote ${pos} of ${size} bytes`);
  return out;
}

/** Tag, length and body of a length-delimited field. */
function field(len: number): number {
  return 1 + varintLen(len) + len;
}

/** Size of a non-empty string field (0 for ""); records its byte length. */
function stringField(s: string, lens: number[]): number {
  if (s === "") return 0;
  const len = utf8Length(s);
  lens.push(len);
  return field(len);
}

function utf8Length(s: string): number {
  const len = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    // Non-ASCII (event values from tx strings, which decode as well-formed UTF-8): the platform counts.
    if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) throw new NotWellFormed();
    return Buffer.byteLength(s, "utf8");
  }
  return len;
}

function varintLen(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5;
}

function varint64Len(v: bigint): number {
  let x = BigInt.asUintN(64, v);
  let len = 1;
  while (x > 127n) {
    x >>= 7n;
    len++;
  }
  return len;
}
