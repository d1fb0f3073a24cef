// Queries through the client's setupAttributionExtension on a stock cosmjs QueryClient: jobs (an
// adapter's carries its owner and its base model's method), pending jobs by page, attribution,
// rewards, validator records, params; the client's builders and response readers on real txs.
import assert from "node:assert/strict";
import { QueryClient } from "@cosmjs/stargate";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import {
  type AttributionExtension,
  JobState,
  recordedInference,
  setupAttributionExtension,
  submittedAttribution,
} from "../../../client/index.js";
import { formatValoper } from "../../../modules/staking/index.js";
import { parseAddress } from "../../../node/app/address.js";
import { appComet, devAddress } from "../../app/helpers.js";
import { entries, Harness, recordMsg, SPAN, sha, submitMsg, VALIDATORS } from "./helpers.js";

describe("attribution: queries and the client extension", () => {
  let h: Harness;
  let q: AttributionExtension["attribution"];
  before(async () => {
    h = await Harness.start();
    q = QueryClient.withExtensions(appComet(h.app), setupAttributionExtension).attribution;
  });
  after(async () => {
    await h.close();
  });

  it("records model and adapter jobs; pages pending jobs; reads the response", async () => {
    const res = await h.ok([
      { by: h.s.eve, msgs: [recordMsg(h.s.eve.address)] },
      {
        by: h.s.eve,
        msgs: [recordMsg(h.s.eve.address, { adapterId: 1, outputTokens: 1000, fee: "210uopen" })],
      },
      {
        by: h.s.eve,
        msgs: [
          recordMsg(h.s.eve.address, {
            output: undefined,
            outputSha256: sha("a long answer"),
            outputSize: 100_000,
            outputTokens: 0,
            fee: "1000uopen",
          }),
        ],
      },
    ]);
    const responses = res.txResults.map((r) =>
      recordedInference({ msgResponses: TxMsgData.decode(r.data).msgResponses }),
    );
    assert.deepEqual(
      responses.map((r) => r.jobId),
      [1n, 2n, 3n],
    );
    const adapterJob = await q.job(2);
    assert.equal(adapterJob.owner, devAddress("bob"));
    assert.equal(adapterJob.method, SPAN, "the base model's method");
    assert.equal(adapterJob.adapterId, 1n);
    assert.equal(adapterJob.modelId, 0n);
    assert.equal(adapterJob.fee?.amount, "210");
    assert.equal(adapterJob.deadlineHeight, responses[1]!.deadlineHeight);
    const byRef = await q.job(3);
    assert.equal(byRef.outputText, "");
    assert.equal(byRef.outputSize, 100_000n);
    assert.deepEqual(byRef.outputSha256, sha("a long answer"));
    const inline = await q.job(1);
    assert.deepEqual(inline.outputSha256, sha("No fracture is visible."));
    assert.equal(inline.outputSize, 23n);

    const first = await q.pendingJobs({ limit: 2 });
    assert.deepEqual(
      first.jobs.map((j) => j.id),
      [1n, 2n],
    );
    const second = await q.pendingJobs({ key: first.pagination!.nextKey, limit: 2 });
    assert.deepEqual(
      second.jobs.map((j) => j.id),
      [3n],
    );
    assert.equal(second.pagination!.nextKey.length, 0);
    await assert.rejects(q.job(9), /job 9 does not exist: job not found/);
  });

  it("attribution, rewards, validator records and params", async () => {
    const result = entries([1, 10000]);
    const res = await h.ok(
      VALIDATORS.slice(0, 3).map((v) => ({ by: h.s[v.name], msgs: [submitMsg(v, 1n, result)] })),
    );
    const finalized = res.txResults.map(
      (r) => submittedAttribution({ msgResponses: TxMsgData.decode(r.data).msgResponses }).finalized,
    );
    assert.deepEqual(finalized, [false, false, true]);
    const att = await q.attribution(1);
    assert.equal(att.job?.state, JobState.JOB_STATE_FINALIZED);
    assert.deepEqual(att.entries, result);
    assert.equal(att.submissions.length, 3);
    assert.equal(att.results[0]!.firstOperator, devAddress("alice"));
    assert.deepEqual(
      (await q.pendingJobs()).jobs.map((j) => j.id),
      [2n, 3n],
    );
    const carol = await q.rewardsByContributor(devAddress("carol"));
    assert.deepEqual(carol, { denom: "uopen", amount: "500001" });
    assert.deepEqual(await q.rewardsByDatanet(1), carol);
    assert.deepEqual(await q.rewardsByDatanet(2), { denom: "uopen", amount: "0" });
    const byAccount = await q.validatorRecord(devAddress("bob"));
    assert.deepEqual(byAccount, await q.validatorRecord(formatValoper(parseAddress(devAddress("bob")))));
    assert.equal(byAccount.submitted, 1n);
    assert.deepEqual(await q.validatorRecord(devAddress("eve")), {
      operator: devAddress("eve"),
      submitted: 0n,
      disagreed: 0n,
      missed: 0n,
      slashed: "0",
    });
    const params = await q.params();
    assert.deepEqual(
      [params.ownerBps, params.contributorsBps, params.validatorsBps, params.treasuryBps],
      [2000, 5000, 2000, 1000],
    );
    assert.equal(params.maxOutputBytes, 65_536n);
    assert.equal(params.penaltyFlagThreshold, 3n);
  });
});
