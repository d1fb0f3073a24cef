// The node's fixes to cosmjs-types' protobuf runtime give the same bytes and values as protobuf:
// int64/uint64 varints (checked against a plain BigInt encoder, and read back), strict UTF-8
// strings that keep a leading BOM, and results in buffers of their own size.
import "../../node/types/cosmjs-binary.js";
import assert from "node:assert/strict";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";

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

  it("strings: invalid UTF-8 is refused, a leading BOM is kept", () => {
    const field = (bytes: number[]) => Uint8Array.from([bytes.length, ...bytes]);
    assert.equal(new BinaryReader(field([0xef, 0xbb, 0xbf, 0x61])).string(), "\ufeffa");
    assert.equal(new BinaryReader(field([0xe2, 0x82, 0xac])).string(), "€");
    assert.throws(() => new BinaryReader(field([0xc3, 0x28])).string(), TypeError);
    assert.throws(() => new BinaryReader(field([0xed, 0xa0, 0x80])).string(), TypeError, "a lone surrogate");
  });
});
