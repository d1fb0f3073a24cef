// attribution genesis: export → import gives the same app hash and the same answers (pending index
// and deadline queue rebuilt), both chains go on alike; inconsistent genesis is refused.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import * as Q from "../../../proto/gen/openledger/attribution/v1/query.js";
import { JobState } from "../../../proto/gen/openledger/attribution/v1/types.js";
import { devAddress, runBlock } from "../../app/helpers.js";
import { BASE_TIME_NS, entries, Harness, submitMsg, VALIDATORS } from "./helpers.js";

const [ALICE, BOB, CAROL, DAVE] = VALIDATORS as [
  (typeof VALIDATORS)[0],
  (typeof VALIDATORS)[0],
  (typeof VALIDATORS)[0],
  (typeof VALIDATORS)[0],
];

type Json = Record<string, unknown>;

describe("attribution genesis", () => {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
  });
  const track = async (p: Promise<Harness>) => {
    const h = await p;
    open.push(h);
    return h;
  };

  /** Job 1 finalized with a disagreement, job 2 expired, job 3 pending with two submissions, 4 pending. */
  async function history(): Promise<Harness> {
    const a = await track(Harness.start());
    const j1 = await a.record();
    const r = entries([1, 2500], [2, 2500], [3, 5000]);
    await a.ok([
      { by: a.s.alice, msgs: [submitMsg(ALICE, j1, r)] },
      { by: a.s.dave, msgs: [submitMsg(DAVE, j1, entries())] },
      { by: a.s.bob, msgs: [submitMsg(BOB, j1, r)] },
      { by: a.s.carol, msgs: [submitMsg(CAROL, j1, r)] },
    ]);
    const j2 = await a.record({ fee: "3000uopen" });
    await a.ok([{ by: a.s.bob, msgs: [submitMsg(BOB, j2, entries([4, 10000]))] }]);
    await a.until(a.job(j2).deadlineHeight);
    const j3 = await a.record();
    await a.ok([
      { by: a.s.alice, msgs: [submitMsg(ALICE, j3, entries([4, 10000]))] },
      { by: a.s.bob, msgs: [submitMsg(BOB, j3, entries([4, 10000]))] },
    ]);
    await a.record({ modelId: undefined, adapterId: 1, fee: "500uopen" });
    assert.deepEqual(
      [1n, 2n, 3n, 4n].map((id) => a.job(id).state),
      [
        JobState.JOB_STATE_FINALIZED,
        JobState.JOB_STATE_EXPIRED,
        JobState.JOB_STATE_PENDING,
        JobState.JOB_STATE_PENDING,
      ],
    );
    return a;
  }

  it("export → import: the same app hash, the same answers, and both chains go on alike", async () => {
    const a = await history();
    const exported = a.app.exportGenesis();
    const json = JSON.parse(JSON.stringify(exported)) as Json;
    assert.deepEqual(json, exported, "the export is plain JSON");
    const att = json.attribution as Json;
    assert.equal(att.next_job_id, "5");
    assert.equal((att.jobs as Json[]).length, 4);
    assert.equal((att.submissions as Json[]).length, 7);
    assert.equal((att.results as Json[]).length, 4, "two for job 1, one each for jobs 2 and 3");
    assert.equal((att.jobs as Json[])[1]!.state, "JOB_STATE_EXPIRED");

    const b = await track(Harness.fromGenesis(json, a.height + 1n));
    assert.equal(toHex(b.app.info().lastBlockAppHash), toHex(a.app.info().lastBlockAppHash), "same app hash");
    assert.deepEqual(b.app.exportGenesis(), exported, "exporting again gives the same genesis");
    const pending = (h: Harness) =>
      h.query(
        "PendingJobs",
        Q.QueryPendingJobsRequest.encode({ pagination: undefined }).finish(),
        Q.QueryPendingJobsResponse.decode,
      );
    assert.deepEqual(pending(b), pending(a));
    assert.deepEqual(
      pending(b).jobs.map((j) => j.id),
      [3n, 4n],
    );
    for (const id of [1n, 2n, 3n]) assert.deepEqual(b.attribution(id), a.attribution(id));
    assert.deepEqual(b.validatorRecord(devAddress("dave")), a.validatorRecord(devAddress("dave")));

    // The same next txs on both: carol's result finalizes job 3; then both reach job 4's deadline.
    const [tx] = await a.sign([{ by: a.s.carol, msgs: [submitMsg(CAROL, 3n, entries([4, 10000]))] }]);
    const ra = await runBlock(a.app, [tx!], BASE_TIME_NS);
    const rb = await runBlock(b.app, [tx!], BASE_TIME_NS);
    assert.equal(rb.txResults[0]!.code, 0, rb.txResults[0]!.log);
    assert.deepEqual(rb.txResults, ra.txResults);
    assert.equal(toHex(rb.appHash), toHex(ra.appHash));
    const deadline = a.job(4n).deadlineHeight;
    const [ea, eb] = [await a.until(deadline), await b.until(deadline)];
    assert.deepEqual(eb.at(-1)!.events, ea.at(-1)!.events, "job 4 expires on both");
    assert.equal(toHex(b.app.info().lastBlockAppHash), toHex(a.app.info().lastBlockAppHash));
    assert.equal(b.job(4n).state, JobState.JOB_STATE_EXPIRED);
  });

  it("refuses a genesis that does not add up", async () => {
    const a = await history();
    const base = JSON.stringify(a.app.exportGenesis());
    const height = a.height + 1n;
    const tweak = async (change: (att: Json, all: Json) => void, error: RegExp, at = height) => {
      const json = JSON.parse(base) as Json;
      change(json.attribution as Json, json);
      await assert.rejects(Harness.fromGenesis(json, at), error);
    };
    await tweak((att) => {
      att.extra = 1;
    }, /attribution genesis: unknown field "extra"/);
    await tweak((att) => {
      (att.jobs as Json[])[2]!.fee = { denom: "uopen", amount: "1" };
    }, /attribution genesis: the escrow open1\w+ holds 1000503uopen, the pending jobs' fees are 501uopen/);
    await tweak((att) => {
      ((att.results as Json[]).find((r) => r.job_id === "3")!.entries as Json[])[0]!.contribution_id = "1";
    }, /attribution genesis: result \w+ of job 3 is not the hash of its entries/);
    await tweak(() => {}, /pending job 3 has deadline \d+, not after height \d+/, height + 100n);
    await tweak((att) => {
      (att.submissions as Json[]).push({ ...(att.submissions as Json[])[0]! });
    }, /attribution: duplicate submission of open1\w+ to job 1/);
    await tweak((att) => {
      (att.params as Json).owner_bps = 2001;
    }, /owner_bps \+ contributors_bps \+ validators_bps \+ treasury_bps must be 10000, got 10001/);
  });
});
