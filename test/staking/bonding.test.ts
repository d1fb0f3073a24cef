// Staking through real cosmjs-signed txs: the genesis set, delegation, undelegation and its payout
// after the unbonding period of block time, new validators, and the exact validator updates each
// block returns (max_validators = 3).
import assert from "node:assert/strict";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { BondStatus } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { MsgUndelegateResponse } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { eventsOf } from "../app/helpers.js";
import {
  BONDED_POOL,
  b64,
  createValidator,
  delegate,
  FEE,
  KEYS,
  NOT_BONDED_POOL,
  POWER,
  SECOND,
  StakingHarness,
  UNBONDING_SECONDS,
  undelegate,
  updates,
  valoper,
} from "./helpers.js";

describe("staking: bonding, unbonding and the validator set", () => {
  let h: StakingHarness;
  let aliceVal: string;
  before(async () => {
    h = await StakingHarness.start();
    aliceVal = valoper(h.s.alice.address);
  });
  after(async () => {
    await h.close();
  });

  it("genesis: initChain returns the set sorted by key; validators are bonded; the pool holds the stake", async () => {
    const want = [
      [b64(KEYS[0]!), 10n],
      [b64(KEYS[1]!), 5n],
    ].sort((a, b) =>
      Buffer.compare(Buffer.from(a[0] as string, "base64"), Buffer.from(b[0] as string, "base64")),
    );
    assert.deepEqual(updates(h.initial), want);
    assert.deepEqual((await h.block([])).validatorUpdates, [], "the first block changes nothing");
    const { validators } = await h.query.staking.validators("BOND_STATUS_BONDED");
    assert.equal(validators.length, 2);
    assert.ok(validators.every((v) => v.status === BondStatus.BOND_STATUS_BONDED && !v.jailed));
    assert.equal(h.balance(BONDED_POOL), 15n * POWER);
    const { pool } = await h.query.staking.pool();
    assert.deepEqual(pool, { bondedTokens: (15n * POWER).toString(), notBondedTokens: "0" });
    const d = await h.query.staking.delegation(h.s.alice.address, aliceVal);
    assert.equal(d.delegationResponse?.balance.amount, (10n * POWER).toString());
  });

  it("delegate: tokens move to the bonded pool and the power change is the block's one update", async () => {
    const carol = h.s.carol;
    const before = h.balance(carol.address);
    const res = await h.ok(carol, delegate(carol.address, aliceVal, 3_000_000n));
    assert.equal(h.balance(carol.address), before - 3_000_000n - FEE);
    assert.equal(h.balance(BONDED_POOL), 18n * POWER);
    assert.deepEqual(updates(res.validatorUpdates), [[b64(KEYS[0]!), 13n]]);
    assert.deepEqual(eventsOf(res.txResults[0]!.events, "delegate"), [
      { validator: aliceVal, delegator: carol.address, amount: "3000000uopen", new_shares: "3000000" },
    ]);
    const v = (await h.query.staking.validator(aliceVal)).validator;
    assert.equal(v.tokens, "13000000");
    assert.equal(v.delegatorShares, (13_000_000n * 10n ** 18n).toString());
  });

  it("a change of tokens below one unit of power gives no update; two txs in a block give one", async () => {
    const { carol, dave } = h.s;
    const small = await h.ok(carol, delegate(carol.address, aliceVal, 500_000n));
    assert.deepEqual(small.validatorUpdates, []);
    const res = await h.block([
      { by: carol, msgs: [delegate(carol.address, aliceVal, 700_000n)] },
      { by: dave, msgs: [delegate(dave.address, aliceVal, 800_000n)] },
    ]);
    assert.deepEqual(
      res.txResults.map((r) => r.code),
      [0, 0],
    );
    assert.deepEqual(updates(res.validatorUpdates), [[b64(KEYS[0]!), 15n]], "13.5 + 0.7 + 0.8 = 15");
  });

  it("undelegate: an unbonding entry matures after the unbonding period of block time, paid in EndBlock", async () => {
    const carol = h.s.carol;
    const before = h.balance(carol.address);
    const time = h.nextTimeNs;
    const res = await h.ok(carol, undelegate(carol.address, aliceVal, 4_200_000n));
    const completion = time + UNBONDING_SECONDS * SECOND;
    assert.deepEqual(updates(res.validatorUpdates), [[b64(KEYS[0]!), 10n]], "15.0 - 4.2 = 10.8");
    const response = MsgUndelegateResponse.decode(
      TxMsgData.decode(res.txResults[0]!.data).msgResponses[0]!.value,
    );
    assert.equal(
      response.completionTime.seconds * SECOND + BigInt(response.completionTime.nanos),
      completion,
    );
    assert.deepEqual(response.amount, { denom: "uopen", amount: "4200000" });
    assert.equal(h.balance(carol.address), before - FEE);
    assert.equal(h.balance(NOT_BONDED_POOL), 4_200_000n);
    await assert.rejects(h.query.staking.delegation(carol.address, aliceVal), /no delegation/);
    const ubd = (await h.query.staking.unbondingDelegation(carol.address, aliceVal)).unbond;
    assert.equal(ubd.entries.length, 1);
    assert.equal(ubd.entries[0]!.balance, "4200000");
    assert.equal(ubd.entries[0]!.creationHeight, h.height);

    // One second before the completion time: nothing yet.
    h.timeBase = completion - (h.height + 1n) * SECOND - SECOND;
    const early = await h.block([]);
    assert.deepEqual(eventsOf(early.events, "complete_unbonding"), []);
    assert.equal(h.balance(carol.address), before - FEE);
    // At the completion time: paid.
    const due = await h.block([]);
    assert.equal(h.nextTimeNs - SECOND, completion);
    assert.deepEqual(eventsOf(due.events, "complete_unbonding"), [
      { amount: "4200000uopen", validator: aliceVal, delegator: carol.address },
    ]);
    assert.equal(h.balance(carol.address), before - FEE + 4_200_000n);
    assert.equal(h.balance(NOT_BONDED_POOL), 0n);
    await assert.rejects(
      h.query.staking.unbondingDelegation(carol.address, aliceVal),
      /no unbonding delegation/,
    );
  });

  it("create validator: bonded at EndBlock; max_validators keeps the smallest out; a change swaps them", async () => {
    const { carol, dave } = h.s;
    const created = await h.ok(carol, createValidator(carol.address, KEYS[2]!.pubKey, 2_000_000n));
    assert.deepEqual(updates(created.validatorUpdates), [[b64(KEYS[2]!), 2n]]);
    assert.deepEqual(eventsOf(created.txResults[0]!.events, "create_validator"), [
      { validator: valoper(carol.address), amount: "2000000uopen" },
    ]);
    const carolVal = (await h.query.staking.validator(valoper(carol.address))).validator;
    assert.equal(carolVal.status, BondStatus.BOND_STATUS_BONDED);
    assert.equal(carolVal.description.moniker, "test node");
    assert.equal(carolVal.commission.commissionRates.rate, "100000000000000000");

    // A fourth validator with power 1: the set (max 3) is 10, 5, 2; it stays out.
    const out = await h.ok(dave, createValidator(dave.address, KEYS[3]!.pubKey, 1_000_000n));
    assert.deepEqual(out.validatorUpdates, []);
    const daveVal = valoper(dave.address);
    assert.equal(
      (await h.query.staking.validator(daveVal)).validator.status,
      BondStatus.BOND_STATUS_UNBONDED,
    );

    // Dave's power rises to 6: he enters, carol (2) leaves.
    const swap = await h.ok(dave, delegate(dave.address, daveVal, 5_000_000n));
    const want: [string, bigint][] = [
      [b64(KEYS[2]!), 0n],
      [b64(KEYS[3]!), 6n],
    ];
    want.sort((a, b) => Buffer.compare(Buffer.from(a[0], "base64"), Buffer.from(b[0], "base64")));
    assert.deepEqual(updates(swap.validatorUpdates), want);
    const bonded = (await h.query.staking.validators("BOND_STATUS_BONDED")).validators.map(
      (v) => v.operatorAddress,
    );
    assert.deepEqual(bonded.sort(), [aliceVal, valoper(h.s.bob.address), daveVal].sort());
  });

  it("a validator that unbonds everything leaves with power 0, and the next in line enters", async () => {
    const bob = h.s.bob;
    const bobVal = valoper(bob.address);
    const res = await h.ok(bob, undelegate(bob.address, bobVal, 5_000_000n));
    assert.deepEqual(
      updates(res.validatorUpdates).sort(),
      [
        [b64(KEYS[1]!), 0n],
        [b64(KEYS[2]!), 2n],
      ].sort(),
    );
    const v = (await h.query.staking.validator(bobVal)).validator;
    assert.equal(v.tokens, "0");
    assert.equal(v.status, BondStatus.BOND_STATUS_UNBONDED);
  });
});
