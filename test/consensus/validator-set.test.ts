// Validator set changes pinned to CometBFT's own expectations: types/validator_set_test.go and
// state/state_test.go of cometbft v0.38.25 (expected sequences and priorities re-derived there).
import assert from "node:assert/strict";
import { priorityDiff } from "../../node/consensus/bft/proposer-priority.js";
import { ValidatorSet } from "../../node/consensus/bft/validator-set.js";
import { keyFromSecret } from "../../node/types/ed25519.js";
import type { Validator } from "../../node/types/validator.js";
import { makeValidator } from "../../node/types/validator.js";
import { Prng } from "./sim/prng.js";

const MAX_INT64 = (1n << 63n) - 1n;
const MAX_TOTAL = MAX_INT64 / 8n;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const name = (v: { address: Uint8Array }): string => new TextDecoder().decode(v.address);
/** newValidator(address, power) of the Go tests: the address is the name's bytes. */
const val = (address: string | Uint8Array, power: bigint): Validator => ({
  address: typeof address === "string" ? utf8(address) : address,
  pubKey: new Uint8Array(32),
  votingPower: power,
});
const names = (set: ValidatorSet): [string, bigint][] => set.validators.map((v) => [name(v), v.votingPower]);

/** Priorities centred within (-n, n) and spread within 2·total (verifyValidatorSet). */
function assertScaledAndCentred(set: ValidatorSet): void {
  const n = BigInt(set.size);
  const sum = set.validators.reduce((s, v) => s + v.proposerPriority, 0n);
  assert.ok(sum < n && sum > -n, `total priority ${sum} not centred`);
  assert.ok(priorityDiff([...set.validators]) <= 2n * set.totalVotingPower, "priorities not scaled");
}

describe("validator set changes (UpdateWithChangeSet)", () => {
  const testSet = (list: [string, bigint][]) => ValidatorSet.create(list.map(([n, p]) => val(n, p)));
  const changes = (list: [string, bigint][]) => list.map(([n, p]) => val(n, p));

  it("TestValSetUpdatesBasicTestsExecute", () => {
    const cases: [[string, bigint][], [string, bigint][], [string, bigint][]][] = [
      [
        [
          ["v1", 10n],
          ["v2", 10n],
        ],
        [],
        [
          ["v1", 10n],
          ["v2", 10n],
        ],
      ],
      [
        [
          ["v1", 10n],
          ["v2", 10n],
        ],
        [
          ["v2", 22n],
          ["v1", 11n],
        ],
        [
          ["v2", 22n],
          ["v1", 11n],
        ],
      ],
      [
        [
          ["v2", 20n],
          ["v1", 10n],
        ],
        [
          ["v4", 40n],
          ["v3", 30n],
        ],
        [
          ["v4", 40n],
          ["v3", 30n],
          ["v2", 20n],
          ["v1", 10n],
        ],
      ],
      [
        [
          ["v3", 20n],
          ["v1", 10n],
        ],
        [["v2", 30n]],
        [
          ["v2", 30n],
          ["v3", 20n],
          ["v1", 10n],
        ],
      ],
      [
        [
          ["v3", 20n],
          ["v2", 10n],
        ],
        [["v1", 30n]],
        [
          ["v1", 30n],
          ["v3", 20n],
          ["v2", 10n],
        ],
      ],
      [
        [
          ["v3", 30n],
          ["v2", 20n],
          ["v1", 10n],
        ],
        [["v2", 0n]],
        [
          ["v3", 30n],
          ["v1", 10n],
        ],
      ],
    ];
    for (const [i, [start, update, expected]] of cases.entries()) {
      const set = testSet(start).withChanges(changes(update));
      assert.deepEqual(names(set), expected, `case ${i}`);
      assertScaledAndCentred(set);
    }
  });

  it("order of changes does not matter (TestValSetUpdatesOrderIndependenceTestsExecute)", () => {
    const start = testSet([
      ["v4", 40n],
      ["v3", 30n],
      ["v2", 20n],
      ["v1", 10n],
    ]);
    const update: [string, bigint][] = [
      ["v1", 0n],
      ["v3", 0n],
      ["v2", 22n],
      ["v5", 50n],
      ["v4", 44n],
    ];
    const expected = start.withChanges(changes(update));
    const rng = new Prng(7);
    for (let i = 0; i < 20; i++) {
      const shuffled = rng.shuffle([...update]);
      assert.deepEqual(start.withChanges(changes(shuffled)).validators, expected.validators);
    }
  });

  it("refuses duplicates, overflows, negative power, unknown removals and emptying the set", () => {
    const two = testSet([
      ["v1", 10n],
      ["v2", 10n],
    ]);
    const bad: [ValidatorSet, [string, bigint][]][] = [
      [
        two,
        [
          ["v1", 11n],
          ["v1", 22n],
        ],
      ],
      [
        two,
        [
          ["v1", 0n],
          ["v2", 20n],
          ["v1", 30n],
        ],
      ],
      [
        two,
        [
          ["v1", 0n],
          ["v1", 0n],
        ],
      ],
      [two, [["v1", MAX_INT64]]],
      [testSet([["v1", MAX_TOTAL - 1n]]), [["v2", 5n]]],
      [
        testSet([
          ["v1", MAX_TOTAL / 3n],
          ["v2", MAX_TOTAL / 3n],
        ]),
        [["v3", MAX_TOTAL / 2n]],
      ],
      [two, [["v1", -123n]]],
      [two, [["v3", 0n]]],
      [
        testSet([
          ["v1", 10n],
          ["v2", 20n],
          ["v3", 30n],
        ]),
        [
          ["v1", 0n],
          ["v2", 0n],
          ["v3", 0n],
        ],
      ],
    ];
    for (const [i, [set, update]] of bad.entries()) {
      assert.throws(() => set.withChanges(changes(update)), Error, `case ${i}`);
    }
  });

  // sm.UpdateState: NextValidators' = NextValidators.withChanges(updates).incremented(1).
  const step = (s: { vals: ValidatorSet; next: ValidatorSet }, updates: Validator[] = []) => ({
    vals: s.next,
    next: s.next.withChanges(updates).incremented(1),
  });
  const k1 = keyFromSecret("state-test-val1");
  const k2 = keyFromSecret("state-test-val2");
  const prio = (set: ValidatorSet, a: Uint8Array) => set.validators[set.indexOf(a)]!.proposerPriority;

  it("TestProposerPriorityDoesNotGetResetToZero (state_test.go)", () => {
    const start = ValidatorSet.create([makeValidator(k1.pubKey, 10n)]);
    let s = step({ vals: start, next: start });
    assert.equal(prio(s.next, k1.address), 0n);
    s = step(s, [makeValidator(k2.pubKey, 100n)]);
    assert.equal(prio(s.next, k1.address), -38n);
    assert.equal(prio(s.next, k2.address), 39n);
    s = step(s, [makeValidator(k2.pubKey, 1n)]); // spread 77 > 2·11: rescaled by 4
    assert.equal(prio(s.next, k2.address), -1n);
    assert.equal(prio(s.next, k1.address), 1n);
  });

  it("TestProposerPriorityProposerAlternates (state_test.go)", () => {
    const start = ValidatorSet.create([makeValidator(k1.pubKey, 10n)]);
    let s = step({ vals: start, next: start });
    assert.equal(prio(s.next, k1.address), 0n);
    s = step(s, [makeValidator(k2.pubKey, 10n)]);
    assert.deepEqual(s.next.proposer.address, k1.address); // the newcomer does not propose at once
    assert.equal(prio(s.next, k1.address), 1n);
    assert.equal(prio(s.next, k2.address), -1n);
    s = step(s);
    assert.deepEqual(s.next.proposer.address, k1.address);
    assert.equal(prio(s.next, k1.address), -9n);
    assert.equal(prio(s.next, k2.address), 9n);
    s = step(s);
    for (let i = 0; i < 1000; i++) {
      const before = s;
      s = step(s);
      assert.notDeepEqual(s.vals.proposer.address, s.next.proposer.address);
      assert.deepEqual(s.next.proposer.address, before.vals.proposer.address);
      const even = i % 2 === 0;
      assert.deepEqual(s.vals.proposer.address, even ? k2.address : k1.address);
      assert.equal(prio(s.next, k1.address), even ? -9n : 1n);
      assert.equal(prio(s.next, k2.address), even ? 9n : -1n);
    }
  });
});
