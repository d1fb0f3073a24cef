// The node's fixes to cosmjs-types' protobuf runtime give the same bytes and values as before:
// int64/uint64 varints (checked against a plain BigInt encoder, against cosmjs-types' own writer
// outside the range it gets wrong, and read back), strings decoded exactly as cosmjs-types'
// decoder does (valid or not, a leading BOM kept), results in buffers of their own size.
import "../../node/types/cosmjs-binary.js";
import assert from "node:assert/strict";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { utf8Read } from "cosmjs-types/utf8";
import { originalInt64 } from "../../node/types/cosmjs-binary.js";

/** The protobuf varint of an int64/uint64 field: the value's 64-bit two's complement, 7 bits a byte. */
function varint(value: bigint): number[] {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  while (v > 127n) {
    out.push(Number(v & 127n) | 128);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

describe("cosmjs-types runtime fixes", () => {
  const values = [0n, 1n, 127n, 128n, 300n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n];
  values.push(2n ** 35n + 5n, 2n ** 53n + 1n, 2n ** 63n - 1n, -1n, -300n, -(2n ** 63n));
  let seed = 0x2545f491n;
  for (let i = 0; i < 200; i++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n);
    values.push(BigInt.asIntN(64, seed >> BigInt(i % 60)));
  }

  it("int64 and uint64 write the protobuf varint of any 64-bit value, and read it back", () => {
    for (const v of values) {
      const bytes = BinaryWriter.create().int64(v).finish();
      assert.deepEqual([...bytes], varint(v), `int64 ${v}`);
      assert.equal(new BinaryReader(bytes).int64(), v);
      const u = BigInt.asUintN(64, v);
      const ubytes = BinaryWriter.create().uint64(u).finish();
      assert.deepEqual([...ubytes], varint(u), `uint64 ${u}`);
      assert.equal(new BinaryReader(ubytes).uint64(), u);
    }
    // cosmjs-types' own writer: the same bytes, except in [2^31, 2^32) where it writes a wrong varint
    const original = (v: bigint) => originalInt64.call(BinaryWriter.create(), v).finish();
    for (const v of values) {
      const u = BigInt.asUintN(64, v);
      if (u >= 2n ** 31n && u < 2n ** 32n) continue;
      assert.deepEqual(BinaryWriter.create().int64(v).finish(), original(v), `as cosmjs-types: ${v}`);
    }
    assert.deepEqual([...original(3_000_000_000n)], [0, 0, 0, 0, 0], "cosmjs-types' bug, fixed here");
    assert.equal(
      new BinaryReader(BinaryWriter.create().int64(3_000_000_000n).finish()).int64(),
      3_000_000_000n,
    );
    // numbers and strings still take the original path
    assert.deepEqual([...BinaryWriter.create().int64(300).finish()], [0xac, 0x02]);
    assert.deepEqual([...BinaryWriter.create().int64("-1").finish()], varint(-1n));
  });

  it("messages round-trip through the patched writer and reader", () => {
    const account = { address: "open1ünïcødé", pubKey: undefined, accountNumber: 2n ** 40n, sequence: 7n };
    const bytes = BaseAccount.encode(account).finish();
    assert.equal(bytes.byteLength, bytes.buffer.byteLength, "the result owns a buffer of its size");
    assert.deepEqual(BaseAccount.decode(bytes), account);
  });

  it("strings decode as cosmjs-types' decoder does, valid UTF-8 or not; a leading BOM is kept", () => {
    const cases = [
      [0xef, 0xbb, 0xbf, 0x61], // BOM + "a"
      [0xe2, 0x82, 0xac], // €
      [0xf0, 0x9f, 0x98, 0x80], // 😀
      [0xc3, 0x28], // a lead byte without its continuation
      [0xed, 0xa0, 0x80], // an encoded lone surrogate
      [0xff, 0x41, 0xc0, 0x80], // bytes never valid, an overlong NUL
    ];
    for (const bytes of cases) {
      const field = Uint8Array.from([bytes.length, ...bytes, 0x08, 0x01]);
      const reader = new BinaryReader(field);
      assert.equal(reader.string(), utf8Read(Uint8Array.from(bytes), 0, bytes.length), `${bytes}`);
      assert.equal(reader.uint32(), 8, "the reader stands after the string, fallback or not");
    }
    assert.equal(new BinaryReader(Uint8Array.of(4, 0xef, 0xbb, 0xbf, 0x61)).string(), "\ufeffa");
  });
});
