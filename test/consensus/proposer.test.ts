// Proposer selection pinned to CometBFT's own expectations: types/validator_set_test.go and
// state/state_test.go of cometbft v0.38.25 (expected sequences and priorities re-derived there).
import assert from "node:assert/strict";
import {
  averagePriority,
  incrementProposerPriority,
  type PrioritizedValidator,
  safeAddClip,
  safeSubClip,
} from "../../node/consensus/bft/proposer-priority.js";
import { ValidatorSet } from "../../node/consensus/bft/validator-set.js";
import { keyFromSecret } from "../../node/types/ed25519.js";
import type { Validator } from "../../node/types/validator.js";
import { makeValidator } from "../../node/types/validator.js";
import { Prng } from "./sim/prng.js";

const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const name = (v: { address: Uint8Array }): string => new TextDecoder().decode(v.address);
/** newValidator(address, power) of the Go tests: the address is the name's bytes. */
const val = (address: string | Uint8Array, power: bigint): Validator => ({
  address: typeof address === "string" ? utf8(address) : address,
  pubKey: new Uint8Array(32),
  votingPower: power,
});
const addr = (last: number): Uint8Array => {
  const a = new Uint8Array(20);
  a[19] = last;
  return a;
};
describe("proposer selection (CometBFT v0.38 validator_set.go)", () => {
  it("TestProposerSelection1: the pinned 99-step sequence", () => {
    let set = ValidatorSet.create([val("foo", 1000n), val("bar", 300n), val("baz", 330n)]);
    const seen: string[] = [];
    for (let i = 0; i < 99; i++) {
      seen.push(name(set.proposer));
      set = set.incremented(1);
    }
    const expected =
      "foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar" +
      " foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar" +
      " foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz" +
      " foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo" +
      " foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo";
    assert.equal(seen.join(" "), expected);
  });

  it("TestProposerSelection2: equal power goes by address; proportional frequency", () => {
    const list = [val(addr(0), 100n), val(addr(1), 100n), val(addr(2), 100n)];
    let set = ValidatorSet.create(list);
    for (let i = 0; i < 15; i++) {
      assert.deepEqual(set.proposer.address, list[i % 3]!.address, `step ${i}`);
      set = set.incremented(1);
    }
    // 400: first, but not twice in a row.
    set = ValidatorSet.create([list[0]!, list[1]!, val(addr(2), 400n)]);
    assert.deepEqual(set.proposer.address, addr(2));
    assert.deepEqual(set.incremented(1).proposer.address, addr(0));
    // 401: twice in a row.
    set = ValidatorSet.create([list[0]!, list[1]!, val(addr(2), 401n)]);
    assert.deepEqual(set.proposer.address, addr(2));
    assert.deepEqual(set.incremented(1).proposer.address, addr(2));
    assert.deepEqual(set.incremented(1).incremented(1).proposer.address, addr(0));
    // 4:5:3 over 120 steps → 40:50:30.
    set = ValidatorSet.create([val(addr(0), 4n), val(addr(1), 5n), val(addr(2), 3n)]);
    const count = [0, 0, 0];
    for (let i = 0; i < 120; i++) {
      count[set.proposer.address[19]!]!++;
      set = set.incremented(1);
    }
    assert.deepEqual(count, [40, 50, 30]);
  });

  it("TestProposerSelection3: equal powers cycle in order whatever the increment sizes", () => {
    const keys = [0, 1, 2, 3].map((i) => keyFromSecret(`proposer-3-${i}`));
    let set = ValidatorSet.create(keys.map((k) => makeValidator(k.pubKey, 1n)));
    const order: Uint8Array[] = [];
    for (let i = 0; i < 4; i++) {
      order.push(set.proposer.address);
      set = set.incremented(1);
    }
    const rng = new Prng(3);
    let j = 0;
    for (let i = 0; i < 2000; i++) {
      assert.deepEqual(set.proposer.address, order[j % 4], `step ${i}`);
      // Restored from its stored form (fromBytes/toBytes), the set goes on identically.
      const restored = ValidatorSet.fromState(set.validators, set.proposer.address);
      assert.deepEqual(restored.proposer.address, set.proposer.address);
      assert.deepEqual(restored.incremented(1).validators, set.incremented(1).validators);
      const times = rng.int(5) === 0 ? rng.int(4) + 1 : 1;
      set = set.incremented(times);
      j += times;
    }
  });

  it("TestAvgProposerPriority (Euclidean division, as big.Int.Div)", () => {
    const p = (...prios: bigint[]) =>
      prios.map((proposerPriority) => ({ proposerPriority }) as PrioritizedValidator);
    assert.equal(averagePriority(p(0n, 0n, 0n)), 0n);
    assert.equal(averagePriority(p(MAX_INT64, 0n, 0n)), MAX_INT64 / 3n);
    assert.equal(averagePriority(p(MAX_INT64, 0n)), MAX_INT64 / 2n);
    assert.equal(averagePriority(p(MAX_INT64, MAX_INT64)), MAX_INT64);
    assert.equal(averagePriority(p(MIN_INT64, MIN_INT64)), MIN_INT64);
    assert.equal(averagePriority(p(-1n, 0n, 0n)), -1n); // floor, not truncation
  });

  it("TestAveragingInIncrementProposerPriority", () => {
    const cases: [bigint[], number, bigint][] = [
      [[1n, 2n, 3n], 1, 2n],
      [[10n, -10n, 1n], 11, 0n],
      [[100n, -10n, 1n], 1, 30n],
    ];
    for (const [prios, times, avg] of cases) {
      const vals = prios.map((proposerPriority, i) => ({
        address: utf8("abc"[i]!),
        votingPower: 0n,
        proposerPriority,
      }));
      incrementProposerPriority(vals, times);
      assert.deepEqual(
        vals.map((v) => v.proposerPriority),
        prios.map((p) => p - avg),
      );
    }
  });

  it("TestAveragingInIncrementProposerPriorityWithVotingPower", () => {
    const [vp0, vp1, vp2] = [10n, 1n, 1n];
    const total = vp0 + vp1 + vp2;
    const want: [bigint[], number][] = [
      [[vp0 - total, vp1, vp2], 0],
      [[2n * (vp0 - total), 2n * vp1, 2n * vp2], 0],
      [[3n * (vp0 - total), 3n * vp1, 3n * vp2], 0],
      [[4n * (vp0 - total), 4n * vp1, 4n * vp2], 0],
      [[4n * (vp0 - total) + vp0, 5n * vp1 - total, 5n * vp2], 1],
      [[6n * vp0 - 5n * total, 6n * vp1 - total, 6n * vp2], 0],
      [[7n * vp0 - 6n * total, 7n * vp1 - total, 7n * vp2], 0],
      [[8n * vp0 - 7n * total, 8n * vp1 - total, 8n * vp2], 0],
      [[9n * vp0 - 7n * total, 9n * vp1 - total, 9n * vp2 - total], 2],
      [[10n * vp0 - 8n * total, 10n * vp1 - total, 10n * vp2 - total], 0],
      [[11n * vp0 - 9n * total, 11n * vp1 - total, 11n * vp2 - total], 0],
    ];
    for (const [i, [prios, proposer]] of want.entries()) {
      const vals = [vp0, vp1, vp2].map((votingPower, k) => ({
        address: Uint8Array.of(k),
        votingPower,
        proposerPriority: 0n,
      }));
      const chosen = incrementProposerPriority(vals, i + 1);
      assert.deepEqual(
        vals.map((v) => v.proposerPriority),
        prios,
        `case ${i}`,
      );
      assert.equal(chosen, vals[proposer], `case ${i} proposer`);
    }
  });

  it("TestSafeAddClip / TestSafeSubClip", () => {
    assert.equal(safeAddClip(MAX_INT64, 10n), MAX_INT64);
    assert.equal(safeAddClip(MAX_INT64, MAX_INT64), MAX_INT64);
    assert.equal(safeAddClip(MIN_INT64, -10n), MIN_INT64);
    assert.equal(safeSubClip(MIN_INT64, 10n), MIN_INT64);
    assert.equal(safeSubClip(MIN_INT64, MIN_INT64), 0n);
    assert.equal(safeSubClip(MIN_INT64, MAX_INT64), MIN_INT64);
    assert.equal(safeSubClip(MAX_INT64, -10n), MAX_INT64);
  });

  it("TestIncrementProposerPriorityPositiveTimes and empty sets", () => {
    const set = ValidatorSet.create([val("foo", 1000n), val("bar", 300n), val("baz", 330n)]);
    assert.throws(() => set.incremented(0));
    assert.throws(() => set.incremented(-1));
    assert.throws(() => ValidatorSet.create([]));
  });

  it("TestValidatorSetTotalVotingPowerPanicsOnOverflow", () => {
    assert.throws(() => ValidatorSet.create([val("a", MAX_INT64), val("b", MAX_INT64), val("c", MAX_INT64)]));
  });
});
