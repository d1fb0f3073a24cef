import assert from "node:assert/strict";
import type { Commit, CommitSig } from "cosmjs-types/tendermint/types/types";
import {
  GO_ZERO_TIME_NANOS,
  medianTime,
  medianTimeNanos,
  nanosTimestamp,
  timestampNanos,
  weightedMedian,
} from "../../node/consensus/bft/median-time.js";
import {
  absentCommitSig,
  BLOCK_ID_FLAG_COMMIT,
  BLOCK_ID_FLAG_NIL,
  zeroBlockId,
} from "../../node/types/block.js";
import { keyFromSecret } from "../../node/types/ed25519.js";
import { makeValidator } from "../../node/types/validator.js";

const S = 1_000_000_000n;
const t1 = 1_735_689_600n * S + 123_456_789n;
const [t2, t3, t4, t5] = [t1 + 5n * S, t1 + 10n * S, t1 + 15n * S, t1 + 60n * S];
const w = (nanos: bigint, weight: bigint) => ({ nanos, weight });

describe("BFT median time", () => {
  it("weightedMedian: CometBFT TestWeightedMedian cases", () => {
    assert.equal(weightedMedian([w(t2, 40n), w(t3, 27n), w(t1, 33n)], 100n), t2);
    assert.equal(weightedMedian([w(t3, 33n), w(t1, 40n), w(t2, 27n)], 100n), t2);
    const eight = [w(t4, 20n), w(t2, 10n), w(t1, 10n), w(t3, 23n), w(t2, 10n), w(t5, 10n)];
    assert.equal(weightedMedian(eight, 83n), t3);
  });

  it("weightedMedian: nothing weighed gives the Go zero time; input is not reordered", () => {
    assert.equal(weightedMedian([], 0n), GO_ZERO_TIME_NANOS);
    const input = [w(t3, 1n), w(t1, 1n)];
    weightedMedian(input, 2n);
    assert.equal(input[0]!.nanos, t3);
  });

  const vals = ["a", "b", "c"].map((s) => makeValidator(keyFromSecret(`median-${s}`).pubKey, 30n));
  const sig = (i: number, nanos: bigint, flag = BLOCK_ID_FLAG_COMMIT): CommitSig => ({
    blockIdFlag: flag,
    validatorAddress: vals[i]!.address,
    timestamp: nanosTimestamp(nanos),
    signature: new Uint8Array(64),
  });
  const commit = (signatures: CommitSig[]): Commit => ({
    height: 1n,
    round: 0,
    blockId: zeroBlockId(),
    signatures,
  });

  it("MedianTime: all validators present (CometBFT TestMedianTime)", () => {
    const c = commit([sig(0, t1), sig(1, t1 + 60n * S), sig(2, t1 + 120n * S)]);
    assert.equal(medianTimeNanos(c, vals), t1 + 60n * S);
    assert.deepEqual(medianTime(c, vals), nanosTimestamp(t1 + 60n * S));
  });

  it("MedianTime: validator not in the validator set", () => {
    const stranger = makeValidator(keyFromSecret("median-x").pubKey, 30n);
    const c = commit([sig(0, t1), { ...sig(1, t1 + 60n * S), validatorAddress: stranger.address }]);
    assert.throws(() => medianTimeNanos(c, vals), /commit validator not found in validator set/);
  });

  it("MedianTime: not all validators present", () => {
    const c = commit([sig(0, t1), sig(1, t1 + 60n * S)]);
    assert.equal(medianTimeNanos(c, vals), t1);
  });

  it("MedianTime: ABSENT skipped, NIL weighed as in CometBFT, deterministic across orders", () => {
    const c = commit([sig(0, t5, BLOCK_ID_FLAG_NIL), absentCommitSig(), sig(2, t2)]);
    // total 60, median 30: sorted t2(30) → t2.
    assert.equal(medianTimeNanos(c, vals), t2);
    const reversed = commit([...c.signatures].reverse());
    assert.equal(medianTimeNanos(reversed, vals), t2);
  });

  it("nanos ↔ Timestamp round-trips, including before the epoch", () => {
    for (const n of [0n, 1n, -1n, t1, -S - 5n, GO_ZERO_TIME_NANOS]) {
      const ts = nanosTimestamp(n);
      assert.ok(ts.nanos >= 0 && ts.nanos < 1e9);
      assert.equal(timestampNanos(ts), n);
    }
  });
});
