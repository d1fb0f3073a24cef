// The executor's ExecTxResult encoder writes exactly cosmjs-types' bytes: random results with empty
// and non-empty fields, non-ASCII and astral strings, lone surrogates, large codes and gas.
import assert from "node:assert/strict";
import { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { encodeExecTxResult } from "../../node/types/exec-tx-result.js";

let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const ALPHABET = ["a", "Z", "0", ".", "/", "é", "€", "中", "😀", "\u0000", "\ud800", "\udc00", " "];
const str = (max: number) => {
  let s = "";
  for (let i = rand(max + 1); i > 0; i--) s += ALPHABET[rand(ALPHABET.length - (rand(8) === 0 ? 0 : 2))];
  return rand(4) === 0 ? "" : s;
};
const big = () => [0n, 1n, 127n, 128n, 36_915n, 2n ** 32n, 2n ** 63n - 1n, -1n][rand(8)]!;

function randomResult(): ExecTxResult {
  return {
    code: [0, 0, 5, 32, 2 ** 31, 2 ** 32 - 1][rand(6)]!,
    data: Uint8Array.from({ length: rand(3) * rand(200) }, () => rand(256)),
    log: str(300),
    info: str(5),
    gasWanted: big(),
    gasUsed: big(),
    events: Array.from({ length: rand(6) }, () => ({
      type: str(12),
      attributes: Array.from({ length: rand(5) }, () => ({
        key: str(10),
        value: str(80),
        index: rand(2) === 0,
      })),
    })),
    codespace: str(6),
  };
}

describe("ExecTxResult encoder", () => {
  it("gives cosmjs-types' bytes for 2,000 random results", () => {
    for (let i = 0; i < 2000; i++) {
      const r = randomResult();
      assert.deepEqual(
        encodeExecTxResult(r),
        ExecTxResult.encode(r).finish(),
        JSON.stringify(r, (_, v) => (typeof v === "bigint" ? `${v}n` : v)),
      );
    }
  });

  it("a bank send's result, and the empty result", () => {
    const send: ExecTxResult = {
      ...ExecTxResult.fromPartial({ gasWanted: 100_000n, gasUsed: 36_915n, data: Uint8Array.of(0x12, 0x26) }),
      events: [{ type: "transfer", attributes: [{ key: "amount", value: "1uopen", index: true }] }],
    };
    assert.deepEqual(encodeExecTxResult(send), ExecTxResult.encode(send).finish());
    // a value that is not a string (only a caller's bug could make one): cosmjs-types' bytes too
    const odd: ExecTxResult = {
      ...send,
      events: [{ type: "x", attributes: [{ key: "n", value: 5 as unknown as string, index: true }] }],
    };
    assert.deepEqual(encodeExecTxResult(odd), ExecTxResult.encode(odd).finish());
    const empty = ExecTxResult.fromPartial({});
    assert.deepEqual(encodeExecTxResult(empty), new Uint8Array(0));
  });
});
