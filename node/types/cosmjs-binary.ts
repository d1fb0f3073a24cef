// Process-wide fixes to cosmjs-types 0.11's protobuf runtime, imported for their effect by the
// node and the app (idempotent).
//
// BinaryWriter.alloc creates a new 8 KiB pool on every call (its pool() closure is built per call,
// where protobufjs builds it once), so every `Msg.encode(...).finish()` of a message under 4 KiB
// allocates and zero-fills an 8 KiB slab that the result then keeps alive. On the tx path that is
// about ten encodes per tx (accounts, sign docs, responses, tx results) and most of the node's GC
// time. Allocating exactly the encoded size gives the same bytes, each result in its own buffer.
//
// BinaryReader.string decodes UTF-8 in JS through temporary arrays (~170 ns and several
// allocations for a 40-byte address). The platform's decoder is ~3x faster; `fatal` makes it
// throw on invalid UTF-8, and those rare strings go to the original decoder, so every input
// decodes to exactly the string it did before (state and blocks written by earlier versions too).
// ignoreBOM keeps a leading U+FEFF as a character, as the original does.
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";

BinaryWriter.alloc = (size: number): Uint8Array => new Uint8Array(size);

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const originalString = BinaryReader.prototype.string;

BinaryReader.prototype.string = function string(this: BinaryReader): string {
  const start = this.pos;
  const bytes = this.bytes();
  try {
    return utf8.decode(bytes);
  } catch {
    this.pos = start;
    return originalString.call(this);
  }
};

// BinaryWriter.int64 (and uint64, the same function) goes through value.toString() and a decimal
// parser for every field: a tx's gas, sequence, account number and heights. Here the varint comes
// from the bigint's two 32-bit halves (two's complement for negatives). The same bytes for every
// value except 2^31 ≤ v < 2^32, which cosmjs-types 0.11 encodes wrongly (its parser leaves the low
// half negative: 3e9 becomes 00 00 00 00 00, read back as 0); this writes the protobuf varint, as
// Go's encoder does.
interface Varint64 {
  lo: number;
  hi: number;
}
type Push = (
  fn: (val: Varint64, buf: Uint8Array, pos: number) => void,
  len: number,
  val: Varint64,
) => BinaryWriter;
/** cosmjs-types' own int64 writer (tests compare with it). */
export const originalInt64 = BinaryWriter.prototype.int64;
const U32_MAX = 0xffff_ffffn;

BinaryWriter.prototype.int64 = function int64(this: BinaryWriter, value: string | number | bigint) {
  if (typeof value !== "bigint") return originalInt64.call(this, value);
  let lo: number;
  let hi = 0;
  if (value >= 0n && value <= U32_MAX) lo = Number(value);
  else {
    const v = BigInt.asUintN(64, value);
    lo = Number(v & U32_MAX);
    hi = Number(v >> 32n);
  }
  const bits = hi !== 0 ? 64 - Math.clz32(hi) : Math.max(1, 32 - Math.clz32(lo));
  return (this as unknown as { _push: Push })._push(writeVarint64, Math.ceil(bits / 7), { lo, hi });
};

function writeVarint64(val: Varint64, buf: Uint8Array, pos: number): void {
  let { lo, hi } = val;
  while (hi) {
    buf[pos++] = (lo & 127) | 128;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo > 127) {
    buf[pos++] = (lo & 127) | 128;
    lo >>>= 7;
  }
  buf[pos] = lo;
}
