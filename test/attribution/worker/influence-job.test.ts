// Influence jobs in the validator worker, in process: a BaseApp chain with the four test
// validators, a datanet of labelled contributions, a classifier trained on its version (as `model
// train` does) and registered with method influence, a recorded inference. The influence job's
// entries sum to 10000, ascending, the same from a fresh engine (cache hit); three validators
// submitting them finalize the job; the worker itself submits them; a missing artifact is retried,
// an adapter job refused; a near tie of the predicted label gives the empty result; a contribution
// flagged after training stays in the rebuilt training set but is not rewarded.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  msgContribute,
  msgCreateDatanet,
  msgFlagContribution,
  msgRegisterModel,
} from "../../../client/index.js";
import { trainArtifact } from "../../../node/attribution/influence/index.js";
import { ChainView } from "../../../node/attribution/worker/chain-view.js";
import {
  CACHE_DIR,
  InfluenceJobs,
  influenceEntries,
  JobRefused,
  openInfluenceEngine,
} from "../../../node/attribution/worker/influence-job.js";
import { examplesOf, versionTexts } from "../../../node/attribution/worker/training-set.js";
import { AttributionWorker } from "../../../node/attribution/worker/worker.js";
import { TxSender } from "../../../node/tx-sender.js";
import { JobState } from "../../../proto/gen/openledger/attribution/v1/types.js";
import { AttributionMethod } from "../../../proto/gen/openledger/models/v1/types.js";
import { CHAIN_ID, runBlock } from "../../app/helpers.js";
import { attributionGenesis, BASE_TIME_NS, Harness, submitMsg, VALIDATORS } from "../module/helpers.js";

const INFLUENCE = AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE;
const LABELLED: [string, string][] = [
  ["spam", "win a free prize now, click the link to claim your cash reward"],
  ["ham", "the meeting moved to thursday afternoon, see the agenda attached"],
  ["spam", "cheap pills and free cash, limited offer, click now to win"],
  ["ham", "please review the quarterly report before the team meeting"],
  ["spam", "claim your free vacation prize today, click the link"],
  ["ham", "lunch with the design team is at noon near the office"],
];
const OUTPUT = "click the link now to win free cash";

describe("attribution worker: influence jobs", function () {
  this.timeout(60_000);
  let h: Harness;
  let dir: string;
  let artifactsDir: string;
  let jobId: bigint;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "openledger-influence-job-"));
    artifactsDir = join(dir, "models");
    await mkdir(artifactsDir);
    h = await Harness.fromGenesis(attributionGenesis().appState);
    const s = h.s;
    const create = msgCreateDatanet({
      owner: s.bob.address,
      name: "Mail",
      domain: "mail",
      needsApproval: false,
    });
    await h.ok([
      { by: s.bob, msgs: [create] },
      ...LABELLED.map(([label, text], i) => {
        const by = i % 2 ? s.dave : s.carol;
        const metadata = JSON.stringify({ label });
        return {
          by,
          msgs: [msgContribute({ contributor: by.address, datanetId: 1, text, license: "MIT", metadata })],
        };
      }),
    ]);
    // As `model train` does: the version's approved contributions through the same assembly.
    const chain = new ChainView(h.app);
    const examples = examplesOf(await versionTexts(chain, [{ datanetId: 1n, version: 1n }]));
    const { onnx, artifactSha256 } = trainArtifact(examples);
    await writeFile(join(artifactsDir, `${Buffer.from(artifactSha256).toString("hex")}.onnx`), onnx);
    const register = msgRegisterModel({
      owner: s.alice.address,
      name: "spam-filter",
      datanets: ["1:1"],
      artifact: onnx,
      format: "onnx",
      attributionMethod: "influence",
      price: { perCall: 1000 },
    });
    await h.ok([{ by: s.alice, msgs: [register] }]);
    jobId = await h.record({ modelId: 1, output: OUTPUT, outputTokens: 0 });
  });
  after(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("computes entries that sum to 10000, ascending, the same twice and from a fresh engine", async () => {
    const job = h.job(jobId);
    assert.equal(job.method, INFLUENCE);
    const jobs = new InfluenceJobs({ chain: new ChainView(h.app), artifactsDir });
    const first = await jobs.attribute(job);
    const again = await jobs.attribute(job);
    await jobs.close();
    const fresh = new InfluenceJobs({ chain: new ChainView(h.app), artifactsDir });
    const cached = await fresh.attribute(job);
    await fresh.close();
    assert.equal(first.label, "spam");
    assert.equal(first.ambiguous, false);
    assert.equal(first.method, "exact");
    assert.ok(first.entries.length >= 1);
    assert.equal(
      first.entries.reduce((sum, e) => sum + e.bps, 0),
      10_000,
    );
    const ids = first.entries.map((e) => e.contributionId);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => (a < b ? -1 : 1)),
    );
    for (const id of ids) assert.ok(id >= 1n && id <= BigInt(LABELLED.length));
    // The spam examples help a spam prediction most.
    const top = [...first.entries].sort((a, b) => b.bps - a.bps)[0]!;
    assert.equal(LABELLED[Number(top.contributionId) - 1]![0], "spam");
    assert.deepEqual(again.entries, first.entries);
    assert.deepEqual(cached.entries, first.entries);

    // The chain takes them: three of four validators finalize the job.
    for (const v of VALIDATORS.slice(0, 3)) {
      const r = await h.run(h.s[v.name], submitMsg(v, jobId, first.entries, { method: INFLUENCE }));
      assert.equal(r.code, 0, r.log);
    }
    assert.equal(h.job(jobId).state, JobState.JOB_STATE_FINALIZED);
    assert.deepEqual(h.attribution(jobId).entries, first.entries);
  });

  it("the worker answers an influence job with a submission the chain accepts", async () => {
    const id = await h.record({ modelId: 1, output: OUTPUT, outputTokens: 0 });
    const dave = VALIDATORS[3]!;
    const sent: Uint8Array[] = [];
    const worker = new AttributionWorker({
      app: h.app,
      chainId: CHAIN_ID,
      consensusKey: dave.key,
      sender: new TxSender({
        app: h.app,
        chainId: CHAIN_ID,
        signer: h.s.dave.wallet,
        broadcast: async (tx) => {
          sent.push(tx);
          return { code: 0, log: "" };
        },
      }),
      spanRoot: join(dir, "attribution", "span"),
      artifactsDir,
    });
    worker.onCommit();
    await worker.idle();
    await worker.stop();
    assert.equal(sent.length, 1, "one submission (job 1 is finalized, job 2 pending)");
    const res = await runBlock(h.app, sent, BASE_TIME_NS);
    assert.equal(res.txResults[0]!.code, 0, res.txResults[0]!.log);
    const subs = h.attribution(id).submissions;
    assert.deepEqual(
      subs.map((s) => s.operator),
      [h.s.dave.address],
    );
  });

  it("retries while the artifact is missing; refuses adapter jobs", async () => {
    const empty = join(dir, "empty");
    await mkdir(empty, { recursive: true });
    const jobs = new InfluenceJobs({ chain: new ChainView(h.app), artifactsDir: empty });
    const job = h.job(jobId);
    await assert.rejects(jobs.attribute(job), (err: Error) => {
      assert.ok(!(err instanceof JobRefused), "a missing artifact is retried");
      assert.match(err.message, /is neither in .* nor in the content store yet/);
      return true;
    });
    await assert.rejects(jobs.attribute({ ...job, modelId: 0n, adapterId: 1n }), JobRefused);
    await jobs.close();
  });

  it("a near tie between the top two labels gives the empty result", async () => {
    const chain = new ChainView(h.app);
    const model = chain.model(1n)!;
    const hex = Buffer.from(model.artifactSha256).toString("hex");
    const onnx = new Uint8Array(await readFile(join(artifactsDir, `${hex}.onnx`)));
    const engine = await openInfluenceEngine(onnx, chain, model.datanets, {
      cacheDir: join(artifactsDir, CACHE_DIR),
    });
    try {
      // No word of the text is a feature: only the biases speak (p = 0.5055 / 0.4945 here).
      const [p] = await engine.predict(["!!! ???"]);
      const gap = Math.abs(p!.probabilities[0]! - p!.probabilities[1]!);
      assert.ok(gap > 0.005 && gap < 0.05, `gap ${gap}`);
      const tie = await influenceEntries(engine, "!!! ???", () => true, 0.05);
      assert.equal(tie.ambiguous, true);
      assert.deepEqual(tie.entries, []);
      const clear = await influenceEntries(engine, "!!! ???", () => true, 0.005);
      assert.equal(clear.ambiguous, false);
      assert.equal(
        clear.entries.reduce((sum, e) => sum + e.bps, 0),
        10_000,
      );
      // Only contributions approved now are rewarded.
      const some = await influenceEntries(engine, OUTPUT, (id) => id !== 1n);
      assert.ok(some.entries.length > 0 && some.entries.every((e) => e.contributionId !== 1n));
      assert.equal(
        some.entries.reduce((sum, e) => sum + e.bps, 0),
        10_000,
      );
    } finally {
      await engine.close();
    }
  });

  it("a contribution flagged after training stays in the training set but earns nothing", async () => {
    const flag = msgFlagContribution({ curator: h.s.bob.address, contributionId: 1, reason: "spam source" });
    await h.ok([{ by: h.s.bob, msgs: [flag] }]);
    const id = await h.record({ modelId: 1, output: OUTPUT, outputTokens: 0 });
    const jobs = new InfluenceJobs({ chain: new ChainView(h.app), artifactsDir });
    const r = await jobs.attribute(h.job(id));
    await jobs.close();
    assert.equal(r.label, "spam");
    assert.ok(r.entries.length >= 1 && r.entries.every((e) => e.contributionId !== 1n));
    assert.equal(
      r.entries.reduce((sum, e) => sum + e.bps, 0),
      10_000,
    );
    const alice = VALIDATORS[0]!;
    const res = await h.run(h.s.alice, submitMsg(alice, id, r.entries, { method: INFLUENCE }));
    assert.equal(res.code, 0, res.log);
  });
});
