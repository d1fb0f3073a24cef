// Double-sign evidence in FinalizeBlock: slash (exact bigint amounts, rounding down per holding),
// jail (a power-0 update), tombstone (once only), events; old, future and unknown evidence change
// nothing.
import assert from "node:assert/strict";
import { QuerySupplyOfRequest, QuerySupplyOfResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { formatValcons } from "../../modules/staking/index.js";
import { eventsOf, queryOk } from "../app/helpers.js";
import {
  BONDED_POOL,
  b64,
  createValidator,
  delegate,
  duplicateVote,
  KEYS,
  NOT_BONDED_POOL,
  StakingHarness,
  undelegate,
  updates,
  valoper,
} from "./helpers.js";

describe("staking: double-sign slashing", () => {
  let h: StakingHarness;
  let aliceVal: string;
  let infraction: bigint;
  const supply = () =>
    BigInt(
      QuerySupplyOfResponse.decode(
        queryOk(
          h.app,
          "/cosmos.bank.v1beta1.Query/SupplyOf",
          QuerySupplyOfRequest.encode({ denom: "uopen" }).finish(),
        ),
      ).amount.amount,
    );
  /** Everything evidence could change: staking state, pools, supply. */
  const snapshot = () =>
    JSON.stringify({
      staking: h.state(),
      pools: [h.balance(BONDED_POOL), h.balance(NOT_BONDED_POOL)].map(String),
      supply: supply().toString(),
    });

  before(async () => {
    h = await StakingHarness.start();
    aliceVal = valoper(h.s.alice.address);
    const carol = h.s.carol;
    await h.ok(carol, delegate(carol.address, aliceVal, 3_333_333n));
    // An unbonding before the infraction (not slashed), one at and after it (slashed).
    await h.ok(carol, undelegate(carol.address, aliceVal, 400_000n));
    infraction = h.height + 1n;
    await h.ok(carol, undelegate(carol.address, aliceVal, 1_000_001n));
  });
  after(async () => {
    await h.close();
  });

  it("slashes 5% of every delegation and of the entries created since the infraction, jails and tombstones", async () => {
    // alice 10_000_000, carol 3_333_333 - 400_000 - 1_000_001 = 1_933_332: tokens 11_933_332 (power 11).
    assert.equal((await h.query.staking.validator(aliceVal)).validator.tokens, "11933332");
    const supplyBefore = supply();
    const res = await h.block([], [duplicateVote(KEYS[0]!, infraction)]);
    const cuts = { alice: 500_000n, carol: 96_666n, entry: 50_000n }; // floor(x × 500 / 10000)
    const burned = cuts.alice + cuts.carol + cuts.entry;
    assert.deepEqual(eventsOf(res.events, "slash"), [
      {
        address: formatValcons(KEYS[0]!.address),
        power: "11",
        reason: "double_sign",
        burned_coins: `${burned}uopen`,
      },
    ]);
    assert.deepEqual(eventsOf(res.events, "jail"), [
      { address: formatValcons(KEYS[0]!.address), validator: aliceVal },
    ]);
    assert.deepEqual(updates(res.validatorUpdates), [[b64(KEYS[0]!), 0n]], "jailed: leaves the set");

    const v = (await h.query.staking.validator(aliceVal)).validator;
    assert.equal(v.jailed, true);
    assert.equal(v.tokens, (11_933_332n - cuts.alice - cuts.carol).toString());
    const d = await h.query.staking.delegation(h.s.alice.address, aliceVal);
    assert.equal(d.delegationResponse?.balance.amount, (10_000_000n - cuts.alice).toString());
    const c = await h.query.staking.delegation(h.s.carol.address, aliceVal);
    assert.equal(c.delegationResponse?.balance.amount, (1_933_332n - cuts.carol).toString());
    const entries = (await h.query.staking.unbondingDelegation(h.s.carol.address, aliceVal)).unbond.entries;
    assert.deepEqual(
      entries.map((e) => [e.initialBalance, e.balance]),
      [
        ["400000", "400000"],
        ["1000001", (1_000_001n - cuts.entry).toString()],
      ],
    );
    assert.equal(supply(), supplyBefore - burned);
    assert.equal(h.balance(BONDED_POOL), 5_000_000n + 11_933_332n - cuts.alice - cuts.carol);
    assert.equal(h.balance(NOT_BONDED_POOL), 1_400_001n - cuts.entry);
    assert.deepEqual(h.state().tombstoned, [formatValcons(KEYS[0]!.address)]);
  });

  it("a tombstoned validator is never slashed twice", async () => {
    const before = snapshot();
    const res = await h.block([], [duplicateVote(KEYS[0]!, h.height)]);
    assert.deepEqual(eventsOf(res.events, "slash"), []);
    assert.deepEqual(res.validatorUpdates, []);
    assert.equal(snapshot(), before);
  });

  it("evidence older than max_evidence_age_blocks, for a future height, or of an unknown address changes nothing", async () => {
    for (let i = 0; i < 12; i++) await h.block([]);
    const old = h.height + 1n - 11n; // next block's height minus 11: one block too old
    const unknown = { ...duplicateVote(KEYS[5]!, h.height), validatorAddress: new Uint8Array(20).fill(7) };
    const before = snapshot();
    const res = await h.block(
      [],
      [
        duplicateVote(KEYS[1]!, old),
        duplicateVote(KEYS[1]!, h.height + 2n),
        unknown,
        duplicateVote(KEYS[5]!, h.height),
      ],
    );
    assert.deepEqual(eventsOf(res.events, "slash"), []);
    assert.deepEqual(res.validatorUpdates, []);
    assert.equal(snapshot(), before);
    // The same validator one block younger (exactly max age) is slashed.
    const ok = await h.block([], [duplicateVote(KEYS[1]!, h.height + 1n - 10n)]);
    assert.equal(eventsOf(ok.events, "slash").length, 1);
    assert.deepEqual(updates(ok.validatorUpdates), [[b64(KEYS[1]!), 0n]]);
  });

  it("two pieces of evidence for one validator in one block slash it once", async () => {
    const dave = h.s.dave;
    await h.ok(dave, createValidator(dave.address, KEYS[3]!.pubKey, 2_000_000n));
    const res = await h.block(
      [],
      [duplicateVote(KEYS[3]!, h.height), duplicateVote(KEYS[3]!, h.height - 1n)],
    );
    assert.deepEqual(
      eventsOf(res.events, "slash").map((e) => e.burned_coins),
      ["100000uopen"],
    );
    assert.deepEqual(updates(res.validatorUpdates), [[b64(KEYS[3]!), 0n]]);
  });

  it("a jailed validator's delegators can still unbond; the slashed amount is what they get back", async () => {
    const carol = h.s.carol;
    const left = BigInt(
      (await h.query.staking.delegation(carol.address, aliceVal)).delegationResponse!.balance.amount,
    );
    const res = await h.ok(carol, undelegate(carol.address, aliceVal, left));
    assert.deepEqual(res.validatorUpdates, []);
    await assert.rejects(h.query.staking.delegation(carol.address, aliceVal), /no delegation/);
  });
});
