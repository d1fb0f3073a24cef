// The attribution flow through a BaseApp with real cosmjs-signed txs: an inference is recorded,
// three of four validators submit the same signed result and the third finalizes it; the fee is
// split to the last uopen; disagreeing and missing validators are recorded; an unanswered job
// expires and its fee goes back to the payer.
import assert from "node:assert/strict";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { formatValoper } from "../../../modules/staking/index.js";
import { parseAddress } from "../../../node/app/address.js";
import { MsgSubmitAttributionResponse } from "../../../proto/gen/openledger/attribution/v1/tx.js";
import { JobState } from "../../../proto/gen/openledger/attribution/v1/types.js";
import { type DevName, devAddress } from "../../app/helpers.js";
import { undelegate } from "../../staking/helpers.js";
import {
  attrsOf,
  ESCROW,
  entries,
  FEE,
  Harness,
  SPAN,
  submitMsg,
  TREASURY,
  VALIDATORS,
  WINDOW,
} from "./helpers.js";

const [ALICE, BOB, CAROL, DAVE] = VALIDATORS as [
  (typeof VALIDATORS)[0],
  (typeof VALIDATORS)[0],
  (typeof VALIDATORS)[0],
  (typeof VALIDATORS)[0],
];
const NAMES: DevName[] = ["alice", "bob", "carol", "dave", "eve"];
const F = 1_000_003n;

function finalizedOf(r: { data: Uint8Array }): boolean {
  const [res] = TxMsgData.decode(r.data).msgResponses;
  return MsgSubmitAttributionResponse.decode(res!.value).finalized;
}

describe("attribution: record, submit, finalize, pay", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  const balances = (): Record<string, bigint> => ({
    ...Object.fromEntries(NAMES.map((n) => [n, h.balance(devAddress(n))])),
    escrow: h.balance(ESCROW),
    treasury: h.balance(TREASURY),
  });

  it("three of four validators agree: finalized at the third, every uopen of the fee accounted for", async () => {
    const before = balances();
    const jobId = await h.record();
    assert.equal(jobId, 1n);
    const job = h.job(jobId);
    assert.equal(job.state, JobState.JOB_STATE_PENDING);
    assert.equal(job.method, SPAN);
    assert.equal(job.owner, devAddress("alice"));
    assert.equal(job.deadlineHeight, job.createdHeight + WINDOW);
    assert.deepEqual(job.datanets, [{ datanetId: 1n, version: 1n }]);
    assert.equal(h.balance(ESCROW), F);

    const result = entries([1, 3333], [2, 3333], [3, 3334]);
    for (const v of [ALICE, BOB]) {
      const r = await h.run(h.s[v.name], submitMsg(v, jobId, result));
      assert.equal(r.code, 0, r.log);
      assert.equal(finalizedOf(r), false);
      assert.equal(h.job(jobId).state, JobState.JOB_STATE_PENDING, "2 × 3 of 10 is not above 2/3");
    }
    const third = await h.run(h.s.carol, submitMsg(CAROL, jobId, result));
    assert.equal(third.code, 0, third.log);
    assert.equal(finalizedOf(third), true);
    const [fin] = attrsOf(third, "attribution_finalized");
    assert.equal(fin?.power, "8");
    assert.equal(fin?.total_power, "10");

    // Worked out by hand (README): owner 20%, contributors 50%, validators 20%, treasury the rest.
    const owner = (F * 2000n) / 10000n; // 200000
    const cut = (F * 5000n) / 10000n; // 500001
    const c1 = (cut * 3333n) / 10000n; // 166650 (carol)
    const c2 = (cut * 3333n) / 10000n; // 166650 (dave)
    const c3 = (cut * 3334n) / 10000n; // 166700 (dave)
    const vcut = (F * 2000n) / 10000n; // 200000 over powers 3, 3, 2
    const [va, vb, vc] = [(vcut * 3n) / 8n, (vcut * 3n) / 8n, (vcut * 2n) / 8n];
    const treasury = F - owner - c1 - c2 - c3 - va - vb - vc;
    assert.equal(treasury, 100_003n);
    assert.equal(owner + c1 + c2 + c3 + va + vb + vc + treasury, F);

    const late = await h.run(h.s.dave, submitMsg(DAVE, jobId, result));
    assert.equal(late.codespace, "attribution");
    assert.equal(late.code, 11);
    assert.equal(late.log, "job 1 is finalized: job is no longer pending");

    const after = balances();
    const delta = (k: string) => after[k]! - before[k]!;
    assert.equal(delta("alice"), owner + va - FEE);
    assert.equal(delta("bob"), vb - FEE);
    assert.equal(delta("carol"), c1 + vc - FEE);
    assert.equal(delta("dave"), c2 + c3 - FEE, "dave's late tx pays its fee and earns no validator share");
    assert.equal(delta("eve"), -F - FEE);
    assert.equal(after.escrow, 0n);
    assert.equal(delta("treasury"), treasury);
    const payouts = attrsOf(third, "attribution_payout");
    assert.equal(
      payouts.reduce((s, p) => s + BigInt(p.amount!.replace("uopen", "")), 0n),
      F,
      "the payout events add up to the fee",
    );

    // Rewards: datanets' ContributorStats and the module's totals agree.
    const carol = devAddress("carol");
    const dave = devAddress("dave");
    assert.equal(h.rewardsEarned(carol), c1);
    assert.equal(h.rewardsEarned(dave), c2 + c3);
    assert.equal(h.rewardsOf(carol), c1);
    assert.equal(h.rewardsOf(dave), c2 + c3);
    assert.equal(h.rewardsOfDatanet(1n), c1 + c2 + c3);
    assert.equal(h.rewardsOf(devAddress("eve")), 0n);

    const attribution = h.attribution(jobId);
    assert.equal(attribution.job?.state, JobState.JOB_STATE_FINALIZED);
    assert.deepEqual(attribution.entries, result);
    assert.equal(attribution.results.length, 1);
    assert.deepEqual(
      attribution.submissions.map((s) => [s.operator, s.power]).sort(),
      [
        [devAddress("alice"), 3n],
        [devAddress("bob"), 3n],
        [devAddress("carol"), 2n],
      ].sort(),
    );

    // At the deadline dave, bonded and silent, is recorded as missed; the others are not.
    const blocks = await h.until(h.job(jobId).deadlineHeight);
    const missed = blocks.flatMap((b) => attrsOf(b, "attribution_missed"));
    assert.deepEqual(
      missed.map((m) => m.operator),
      [dave],
    );
    assert.equal(h.validatorRecord(dave).missed, 1n);
    assert.equal(h.validatorRecord(devAddress("alice")).missed, 0n);
    assert.equal(h.validatorRecord(devAddress("alice")).submitted, 1n);
    assert.equal(h.job(jobId).state, JobState.JOB_STATE_FINALIZED);
  });

  it("a validator that signed another result is recorded as disagreeing and earns no validator share", async () => {
    const jobId = await h.record();
    const a = entries([1, 5000], [4, 5000]);
    const b = entries([2, 10000]);
    await h.ok([
      { by: h.s.alice, msgs: [submitMsg(ALICE, jobId, a)] },
      { by: h.s.dave, msgs: [submitMsg(DAVE, jobId, b)] },
      { by: h.s.bob, msgs: [submitMsg(BOB, jobId, a)] },
    ]);
    assert.equal(h.job(jobId).state, JobState.JOB_STATE_PENDING, "3 + 3 of 10 for a, 2 for b");
    const before = h.balance(devAddress("dave"));
    const res = await h.ok([{ by: h.s.carol, msgs: [submitMsg(CAROL, jobId, a)] }]);
    const [disagreed] = attrsOf(res.txResults[0]!, "attribution_disagreed");
    assert.equal(disagreed?.operator, devAddress("dave"));
    assert.equal(disagreed?.slashed, "0", "slash_disagree_bps is 0 by default: recorded only");
    assert.equal(h.balance(devAddress("dave")), before, "no share for dave");
    assert.equal(h.validatorRecord(devAddress("dave")).disagreed, 1n);
    assert.equal(h.validatorRecord(devAddress("alice")).disagreed, 0n);
    assert.equal(h.attribution(jobId).results.length, 2);
    assert.deepEqual(h.attribution(jobId).entries, a);

    const blocks = await h.until(h.job(jobId).deadlineHeight);
    assert.deepEqual(
      blocks.flatMap((x) => attrsOf(x, "attribution_missed")),
      [],
      "everyone submitted",
    );
  });

  it("a job without a 2/3 result expires at its deadline: the fee goes back, the silent are recorded", async () => {
    const eve = devAddress("eve");
    const before = h.balance(eve);
    const jobId = await h.record({ fee: "2000uopen" });
    await h.ok([{ by: h.s.alice, msgs: [submitMsg(ALICE, jobId, entries([1, 10000]))] }]);
    const deadline = h.job(jobId).deadlineHeight;
    await h.until(deadline - 1n);
    assert.equal(h.job(jobId).state, JobState.JOB_STATE_PENDING);
    const [last] = await h.until(deadline);
    const [expired] = attrsOf(last!, "attribution_expired");
    assert.deepEqual(expired, { job_id: jobId.toString(), payer: eve, refund: "2000uopen", results: "1" });
    assert.equal(h.job(jobId).state, JobState.JOB_STATE_EXPIRED);
    assert.equal(h.balance(eve), before - FEE, "only the tx fee is spent");
    assert.equal(h.balance(ESCROW), 0n);
    assert.deepEqual(
      attrsOf(last!, "attribution_missed")
        .map((m) => m.operator)
        .sort(),
      [devAddress("bob"), devAddress("carol"), devAddress("dave")].sort(),
    );
    const late = await h.run(h.s.bob, submitMsg(BOB, jobId, entries([1, 10000])));
    assert.equal(late.code, 11);
    assert.equal(late.log, `job ${jobId} has expired: job is no longer pending`);
  });

  it("a result that reaches 2/3 because the set shrank finalizes at the deadline", async () => {
    const jobId = await h.record();
    const a = entries([1, 10000]);
    await h.ok([
      { by: h.s.alice, msgs: [submitMsg(ALICE, jobId, a)] },
      { by: h.s.bob, msgs: [submitMsg(BOB, jobId, a)] },
    ]);
    // Carol unbonds everything: her validator leaves the set, which is 3 + 3 + 2 = 8 then.
    const carol = devAddress("carol");
    await h.ok([
      { by: h.s.carol, msgs: [undelegate(carol, formatValoper(parseAddress(carol)), 2_000_000n)] },
    ]);
    assert.equal(h.job(jobId).state, JobState.JOB_STATE_PENDING);
    const blocks = await h.until(h.job(jobId).deadlineHeight);
    const [fin] = attrsOf(blocks.at(-1)!, "attribution_finalized");
    assert.deepEqual([fin?.power, fin?.total_power], ["6", "8"]);
    assert.equal(h.job(jobId).state, JobState.JOB_STATE_FINALIZED);
    assert.deepEqual(
      attrsOf(blocks.at(-1)!, "attribution_missed").map((m) => m.operator),
      [devAddress("dave")],
      "carol is no longer in the set",
    );
  });
});
