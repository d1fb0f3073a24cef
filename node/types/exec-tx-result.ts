// ExecTxResult.encode for the block executor, which encodes every tx result of every block (for
// the block results and the tx index): the same bytes as cosmjs-types' encoder, written in two
// passes (sizes, then bytes) into one buffer, without the generic writer's object per field and
// per nested message. Event strings are addresses, amounts, numbers and type URLs, so strings are
// taken as ASCII (byte length = string length); a result with any other character is left to
// cosmjs-types' encoder, which defines the bytes (including its handling of lone surrogates).
import { ExecTxResult } from "cosmjs-types/tendermint/abci/types";

/** Thrown by the fast path at the first non-ASCII character (or a field that is not a string). */
class NotAscii extends Error {}

export function encodeExecTxResult(r: ExecTxResult): Uint8Array {
  try {
    return encodeAscii(r);
  } catch (err) {
    if (err instanceof NotAscii) return ExecTxResult.encode(r).finish();
    throw err;
  }
}

// The encoder's state: one encode at a time (it never yields), kept at module level so that the
// helpers below are plain functions rather than closures made per call.
let out = new Uint8Array(0);
let pos = 0;
let nested: number[] = [];
let next = 0;

function encodeAscii(r: ExecTxResult): Uint8Array {
  // Pass 1: sizes; the lengths of nested messages (events, attributes) are kept in write order.
  nested = [];
  next = 0;
  let size = 0;
  if (r.code !== 0) size += 1 + varintLen(r.code >>> 0);
  if (r.data.length !== 0) size += field(r.data.length);
  size += stringField(r.log) + stringField(r.info);
  if (r.gasWanted !== 0n) size += 1 + varint64Len(r.gasWanted);
  if (r.gasUsed !== 0n) size += 1 + varint64Len(r.gasUsed);
  for (const ev of r.events) {
    const at = nested.push(0) - 1;
    let eventLen = stringField(ev.type);
    for (const a of ev.attributes) {
      const attrLen = stringField(a.key) + stringField(a.value) + (a.index === true ? 2 : 0);
      nested.push(attrLen);
      eventLen += field(attrLen);
    }
    nested[at] = eventLen;
    size += field(eventLen);
  }
  size += stringField(r.codespace);

  // Pass 2: bytes, fields in number order as the generated encoder writes them.
  out = new Uint8Array(size);
  pos = 0;
  if (r.code !== 0) {
    out[pos++] = 8;
    uvarint(r.code >>> 0);
  }
  if (r.data.length !== 0) {
    out[pos++] = 18;
    uvarint(r.data.length);
    out.set(r.data, pos);
    pos += r.data.length;
  }
  writeString(26, r.log);
  writeString(34, r.info);
  if (r.gasWanted !== 0n) writeInt64(40, r.gasWanted);
  if (r.gasUsed !== 0n) writeInt64(48, r.gasUsed);
  for (const ev of r.events) {
    out[pos++] = 58;
    uvarint(nested[next++]!);
    writeString(10, ev.type);
    for (const a of ev.attributes) {
      out[pos++] = 18;
      uvarint(nested[next++]!);
      writeString(10, a.key);
      writeString(18, a.value);
      if (a.index === true) {
        out[pos++] = 24;
        out[pos++] = 1;
      }
    }
  }
  writeString(66, r.codespace);
  const done = out;
  out = new Uint8Array(0);
  if (pos !== size) throw new Error(`ExecTxResult encoding wrote ${pos} of ${size} bytes`);
  return done;
}

/** Tag, length and body of a length-delimited field. */
function field(len: number): number {
  return 1 + varintLen(len) + len;
}

/** Size of a string field as ASCII; "" is not written. Not a string (a caller's bug): the fallback. */
function stringField(s: string): number {
  if (typeof s !== "string") throw new NotAscii();
  return s === "" ? 0 : field(s.length);
}

function writeString(tag: number, s: string): void {
  if (s === "") return;
  out[pos++] = tag;
  uvarint(s.length);
  const buf = out;
  const at = pos;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new NotAscii();
    buf[at + i] = c;
  }
  pos = at + s.length;
}

function uvarint(n: number): void {
  while (n > 127) {
    out[pos++] = (n & 127) | 128;
    n >>>= 7;
  }
  out[pos++] = n;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function writeInt64(tag: number, v: bigint): void {
  out[pos++] = tag;
  if (v >= 0n && v <= MAX_SAFE) {
    let n = Number(v);
    while (n > 127) {
      out[pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    out[pos++] = n;
    return;
  }
  let x = BigInt.asUintN(64, v); // two's complement, 10 bytes for a negative value
  while (x > 127n) {
    out[pos++] = Number(x & 127n) | 128;
    x >>= 7n;
  }
  out[pos++] = Number(x);
}

function varintLen(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5;
}

function varint64Len(v: bigint): number {
  if (v >= 0n && v <= MAX_SAFE) {
    let n = Number(v);
    let len = 1;
    while (n > 127) {
      n = Math.floor(n / 128);
      len++;
    }
    return len;
  }
  let x = BigInt.asUintN(64, v);
  let len = 1;
  while (x > 127n) {
    x >>= 7n;
    len++;
  }
  return len;
}
