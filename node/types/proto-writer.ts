// Minimal protobuf writer for the few messages CometBFT hashes or signs that cosmjs-types lacks
// (CanonicalVote & co.) or where gogoproto's exact field-presence rules matter. Follows proto3
// rules: scalar fields equal to their default are omitted unless the caller forces them.
import { concatBytes } from "../crypto/merkle.js";

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

const textEncoder = new TextEncoder();

/** Varint of an unsigned 64-bit value; negative int64 values are written as their two's complement (10 bytes). */
export function encodeVarint(value: bigint | number): Uint8Array {
  let v = BigInt(value);
  if (v < 0n) {
    if (v < INT64_MIN) throw new RangeError(`varint out of int64 range: ${v}`);
    v += 1n << 64n;
  }
  if (v > UINT64_MAX) throw new RangeError(`varint out of uint64 range: ${v}`);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

/** Protobuf length-delimited framing: varint(len) ‖ bytes (gogo's protoio.MarshalDelimited). */
export function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  return concatBytes(encodeVarint(bytes.length), bytes);
}

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];

  private tag(field: number, wire: number): void {
    this.chunks.push(encodeVarint((field << 3) | wire));
  }

  /** int32/int64/uint32/uint64/enum field; omitted when zero unless `force`. */
  varint(field: number, value: bigint | number, force = false): this {
    if (!force && BigInt(value) === 0n) return this;
    this.tag(field, WIRE_VARINT);
    this.chunks.push(encodeVarint(value));
    return this;
  }

  /** sfixed64 field (8 bytes little-endian two's complement); omitted when zero unless `force`. */
  sfixed64(field: number, value: bigint | number, force = false): this {
    const v = BigInt(value);
    if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`sfixed64 out of range: ${v}`);
    if (!force && v === 0n) return this;
    this.tag(field, WIRE_FIXED64);
    const buf = new Uint8Array(8);
    new DataView(buf.buffer).setBigInt64(0, v, true);
    this.chunks.push(buf);
    return this;
  }

  /** bytes field; omitted when empty unless `force`. */
  bytes(field: number, value: Uint8Array | undefined, force = false): this {
    const v = value ?? new Uint8Array(0);
    if (!force && v.length === 0) return this;
    this.tag(field, WIRE_LEN);
    this.chunks.push(encodeVarint(v.length), v);
    return this;
  }

  /** string field (UTF-8); omitted when empty unless `force`. */
  string(field: number, value: string | undefined, force = false): this {
    return this.bytes(field, textEncoder.encode(value ?? ""), force);
  }

  /**
   * Embedded message field. `undefined` omits the field (a nil pointer in Go); an empty
   * encoding is still written as `tag 00` (a gogoproto non-nullable field is always present).
   */
  message(field: number, encoded: Uint8Array | undefined): this {
    if (encoded === undefined) return this;
    return this.bytes(field, encoded, true);
  }

  finish(): Uint8Array {
    return concatBytes(...this.chunks);
  }
}
