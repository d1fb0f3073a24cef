// Every query of cosmjs's setupStakingExtension through a stock QueryClient over the app's query
// method: answers in the SDK's shapes (shares as 18-decimal atomics), not-found errors, paging.
import assert from "node:assert/strict";
import { PageRequest } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import { QueryValidatorsRequest, QueryValidatorsResponse } from "cosmjs-types/cosmos/staking/v1beta1/query";
import { BondStatus } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { ed25519ToAny } from "../../modules/staking/index.js";
import { queryOk } from "../app/helpers.js";
import {
  createValidator,
  delegate,
  KEYS,
  POWER,
  StakingHarness,
  UNBONDING_SECONDS,
  undelegate,
  valoper,
} from "./helpers.js";

const E18 = 10n ** 18n;

describe("staking: queries through cosmjs's setupStakingExtension", () => {
  let h: StakingHarness;
  let aliceVal: string;
  let bobVal: string;
  let unbondTime: bigint;
  before(async () => {
    h = await StakingHarness.start();
    aliceVal = valoper(h.s.alice.address);
    bobVal = valoper(h.s.bob.address);
    const { carol } = h.s;
    await h.ok(
      carol,
      delegate(carol.address, aliceVal, 2_000_000n),
      delegate(carol.address, bobVal, 1_000_000n),
    );
    unbondTime = h.nextTimeNs;
    await h.ok(carol, undelegate(carol.address, bobVal, 400_000n));
    await h.ok(h.s.dave, createValidator(h.s.dave.address, KEYS[3]!.pubKey, 1_000_000n));
    await h.ok(h.s.eve, createValidator(h.s.eve.address, KEYS[4]!.pubKey, 500_000n));
  });
  after(async () => {
    await h.close();
  });

  it("validators, by status; validator", async () => {
    const all = (await h.query.staking.validators("")).validators;
    assert.equal(all.length, 4);
    const bonded = (await h.query.staking.validators("BOND_STATUS_BONDED")).validators;
    assert.deepEqual(bonded.map((v) => v.description.moniker).sort(), [
      "test node",
      "validator-0",
      "validator-1",
    ]);
    const unbonded = (await h.query.staking.validators("BOND_STATUS_UNBONDED")).validators;
    assert.equal(unbonded.length, 1, "eve's power is 0 (500000 < 10^6)");
    assert.equal(unbonded[0]!.operatorAddress, valoper(h.s.eve.address));
    assert.deepEqual((await h.query.staking.validators("BOND_STATUS_UNBONDING")).validators, []);
    await assert.rejects(
      h.query.staking.validators("BONDED" as "BOND_STATUS_BONDED"),
      /invalid validator status "BONDED"/,
    );

    const v = (await h.query.staking.validator(aliceVal)).validator;
    assert.equal(v.tokens, (12n * POWER).toString());
    assert.equal(v.delegatorShares, (12n * POWER * E18).toString());
    assert.equal(v.status, BondStatus.BOND_STATUS_BONDED);
    assert.deepEqual(v.consensusPubkey, ed25519ToAny(KEYS[0]!.pubKey));
    await assert.rejects(
      h.query.staking.validator(valoper(h.s.carol.address)),
      /validator openvaloper1.* not found: validator does not exist/,
    );
    await assert.rejects(h.query.staking.validator(h.s.carol.address), /expected "openvaloper"/);
  });

  it("delegation, delegator and validator delegations, delegator validators", async () => {
    const carol = h.s.carol.address;
    const d = (await h.query.staking.delegation(carol, aliceVal)).delegationResponse!;
    assert.deepEqual(d, {
      delegation: {
        delegatorAddress: carol,
        validatorAddress: aliceVal,
        shares: (2_000_000n * E18).toString(),
      },
      balance: { denom: "uopen", amount: "2000000" },
    });
    const mine = (await h.query.staking.delegatorDelegations(carol)).delegationResponses;
    assert.deepEqual(
      mine.map((r) => [r.delegation.validatorAddress, r.balance.amount]).sort(),
      [
        [aliceVal, "2000000"],
        [bobVal, "600000"],
      ].sort(),
    );
    const toAlice = (await h.query.staking.validatorDelegations(aliceVal)).delegationResponses;
    assert.deepEqual(
      toAlice.map((r) => [r.delegation.delegatorAddress, r.balance.amount]).sort(),
      [
        [h.s.alice.address, "10000000"],
        [carol, "2000000"],
      ].sort(),
    );
    const vals = (await h.query.staking.delegatorValidators(carol)).validators.map((v) => v.operatorAddress);
    assert.deepEqual(vals.sort(), [aliceVal, bobVal].sort());
    assert.equal((await h.query.staking.delegatorValidator(carol, bobVal)).validator.operatorAddress, bobVal);
    await assert.rejects(
      h.query.staking.delegation(h.s.eve.address, aliceVal),
      /not found for validator.*no delegation/,
    );
    await assert.rejects(h.query.staking.delegatorValidator(h.s.eve.address, aliceVal), /no delegation/);
  });

  it("unbonding delegations, three ways", async () => {
    const carol = h.s.carol.address;
    const unbond = (await h.query.staking.unbondingDelegation(carol, bobVal)).unbond;
    assert.equal(unbond.delegatorAddress, carol);
    assert.equal(unbond.validatorAddress, bobVal);
    assert.equal(unbond.entries.length, 1);
    const e = unbond.entries[0]!;
    assert.deepEqual([e.initialBalance, e.balance], ["400000", "400000"]);
    assert.equal(
      e.completionTime.seconds * 10n ** 9n + BigInt(e.completionTime.nanos),
      unbondTime + UNBONDING_SECONDS * 10n ** 9n,
    );
    assert.deepEqual((await h.query.staking.delegatorUnbondingDelegations(carol)).unbondingResponses, [
      unbond,
    ]);
    assert.deepEqual((await h.query.staking.validatorUnbondingDelegations(bobVal)).unbondingResponses, [
      unbond,
    ]);
    assert.deepEqual((await h.query.staking.validatorUnbondingDelegations(aliceVal)).unbondingResponses, []);
    await assert.rejects(
      h.query.staking.unbondingDelegation(carol, aliceVal),
      /no unbonding delegation found/,
    );
  });

  it("pool, params, redelegations (none exist), historical info (not kept)", async () => {
    const { pool } = await h.query.staking.pool();
    assert.deepEqual(pool, { bondedTokens: "19100000", notBondedTokens: "400000" });
    const { params } = await h.query.staking.params();
    assert.deepEqual(params, {
      unbondingTime: { seconds: UNBONDING_SECONDS, nanos: 0 },
      maxValidators: 3,
      maxEntries: 3,
      historicalEntries: 0,
      bondDenom: "uopen",
      minCommissionRate: "0",
    });
    const r = await h.query.staking.redelegations(h.s.carol.address, aliceVal, bobVal);
    assert.deepEqual(r.redelegationResponses, []);
    await assert.rejects(h.query.staking.historicalInfo(1), /not kept.*feature not supported/);
  });

  it("pages by key and limit; refuses offset", () => {
    const page = (p: Partial<PageRequest>) =>
      QueryValidatorsResponse.decode(
        queryOk(
          h.app,
          "/cosmos.staking.v1beta1.Query/Validators",
          QueryValidatorsRequest.encode({ status: "", pagination: PageRequest.fromPartial(p) }).finish(),
        ),
      );
    const first = page({ limit: 3n });
    assert.equal(first.validators.length, 3);
    assert.ok(first.pagination!.nextKey.length > 0);
    const second = page({ limit: 3n, key: first.pagination!.nextKey });
    assert.equal(second.validators.length, 1);
    assert.equal(second.pagination!.nextKey.length, 0);
    const res = h.app.query({
      path: "/cosmos.staking.v1beta1.Query/Validators",
      data: QueryValidatorsRequest.encode({
        status: "",
        pagination: PageRequest.fromPartial({ offset: 1n }),
      }).finish(),
      prove: false,
    });
    assert.equal(res.code, 18);
    assert.match(res.log, /only key and limit are served/);
  });
});
