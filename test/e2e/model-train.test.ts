// `openledgerd model train` and `openledgerd attribution explain` against a real dev node whose
// attribution worker runs (alice, the dev validator's operator, is key "operator" in the node
// home's test keyring): labelled contributions → `model train --register` (same artifact hash on
// chain, in the home's artifact store, and on a second run); the worker attributes an inference of
// that model by influence; a span model's inference is finalized and `attribution explain` marks
// its spans and agrees with the finalized entries (node's index reused, or one built here).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { assertIsDeliverTxSuccess } from "@cosmjs/stargate";
import {
  AttributionMethod,
  connectOpenledger,
  createdDatanetId,
  JobState,
  msgContribute,
  msgCreateDatanet,
  msgRecordInference,
  msgRegisterModel,
  type OpenledgerClients,
  recordedInference,
  registeredModelId,
} from "../../client/index.js";
import { devAccount, devWallet, eventually, useNode } from "./harness.js";

const BIN = fileURLToPath(new URL("../../bin/openledgerd.js", import.meta.url));
const SPAM = [
  "Win a free prize now: click the link below to claim your cash reward before midnight tonight.",
  "Cheap pills and free cash in a limited offer, click now to win and claim your bonus today.",
  "Claim your free vacation prize today, just click the link and enter your card number.",
];
const HAM = [
  "The meeting moved to Thursday afternoon; the agenda and the minutes are attached to this note.",
  "Please review the quarterly report before the team meeting and send comments to the editor.",
  "Lunch with the design team is at noon in the small room next to the office kitchen.",
];

function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, OPENLEDGER_KEYRING_BACKEND: undefined, OPENLEDGER_NODE: undefined };
    const child = execFile(process.execPath, [BIN, ...args], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

describe("e2e: model train and attribution explain", function () {
  this.timeout(60_000);
  const ctx = useNode({ autoStart: false });
  const tmp: string[] = [];
  let bob: OpenledgerClients;
  let eve: OpenledgerClients;
  let common: string[];

  const tx = async (c: OpenledgerClients, who: string, msgs: EncodeObject[]) => {
    const r = await c.signing.signAndBroadcast(devAccount(who).address, msgs, "auto");
    assertIsDeliverTxSuccess(r);
    return r;
  };

  async function finalized(jobId: bigint) {
    return eventually(async () => {
      const job = await eve.query.attribution.job(jobId);
      return job.state === JobState.JOB_STATE_FINALIZED ? job : undefined;
    }, `job ${jobId} finalized`);
  }

  async function record(modelId: bigint, output: string): Promise<bigint> {
    const msg = msgRecordInference({
      payer: devAccount("eve").address,
      modelId,
      prompt: "classify this",
      output,
      fee: "100000uopen",
    });
    return recordedInference(await tx(eve, "eve", [msg])).jobId;
  }

  async function explain(jobId: bigint, home: string, json = true) {
    const r = await cli([
      ...["attribution", "explain", jobId.toString(), "--home", home, "--node", ctx.node.rpcUrl],
      ...(json ? ["-o", "json"] : []),
    ]);
    assert.equal(r.code, 0, r.stderr);
    return json ? JSON.parse(r.stdout) : r.stdout;
  }

  before(async function () {
    this.timeout(45_000);
    const home = ctx.node.home;
    common = ["--home", home, "--keyring-backend", "test"];
    // The worker signs as the dev validator's operator (alice); bob signs the CLI's txs.
    for (const [key, who] of [
      ["operator", "alice"],
      ["bob", "bob"],
    ]) {
      const added = await cli(
        ["keys", "add", key!, "--recover", ...common],
        `${devAccount(who!).mnemonic}\n`,
      );
      assert.equal(added.code, 0, added.stderr);
    }
    await ctx.node.start({ blockIntervalMs: 200 });
    bob = await connectOpenledger(ctx.node.rpcUrl, await devWallet("bob"), { broadcastPollIntervalMs: 200 });
    eve = await connectOpenledger(ctx.node.rpcUrl, await devWallet("eve"), { broadcastPollIntervalMs: 200 });
    const address = devAccount("bob").address;
    const create = (name: string) =>
      msgCreateDatanet({ owner: address, name, domain: "mail", needsApproval: false });
    assert.equal(createdDatanetId(await tx(bob, "bob", [create("Mail")])), 1n);
    assert.equal(createdDatanetId(await tx(bob, "bob", [create("Unlabelled")])), 2n);
    const contribute = (datanetId: number, text: string, label?: string) =>
      msgContribute({
        contributor: address,
        datanetId,
        text,
        license: "CC-BY-4.0",
        metadata: label === undefined ? "{}" : JSON.stringify({ label }),
      });
    // One tx: version 1 of each datanet holds all of them.
    await tx(bob, "bob", [
      ...SPAM.flatMap((t, i) => [contribute(1, t, "spam"), contribute(1, HAM[i]!, "ham")]),
      contribute(2, "no label here", undefined),
      contribute(2, "labelled one", "ham"),
    ]);
  });
  after(async () => {
    bob?.disconnect();
    eve?.disconnect();
    for (const d of tmp) await rm(d, { recursive: true, force: true });
  });

  it("model train --register trains on the labelled contributions and registers its artifact hash", async () => {
    const dir = await mkdtemp(join(tmpdir(), "openledger-model-"));
    tmp.push(dir);
    const out = join(dir, "spam.onnx");
    const r = await cli([
      ...["model", "train", "--datanet", "1", "--version", "1", "--out", out],
      ...["--register", "--name", "spam-filter", "--price-per-call", "100", "--from", "bob"],
      ...[...common, "--node", ctx.node.rpcUrl, "-o", "json"],
    ]);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    const bytes = readFileSync(out);
    assert.equal(res.artifact_sha256, toHex(sha256(bytes)));
    assert.equal(res.size, bytes.length);
    assert.equal(res.examples, 6);
    assert.deepEqual(res.labels, ["ham", "spam"]);
    assert.equal(res.converged, true);
    assert.equal(res.influence_method, "exact");
    assert.equal(res.model_id, "1");
    const stored = join(ctx.node.home, "data", "models", `${res.artifact_sha256}.onnx`);
    assert.equal(res.stored, stored);
    assert.deepEqual(readFileSync(stored), bytes);
    const model = await bob.query.models.model(1);
    assert.equal(toHex(model.artifactSha256), res.artifact_sha256);
    assert.equal(model.artifactSize, BigInt(bytes.length));
    assert.equal(model.format, "onnx");
    assert.equal(model.attributionMethod, AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE);
    assert.deepEqual(model.datanets, [{ datanetId: 1n, version: 1n }]);
    assert.equal(model.price?.perCall, "100");
    assert.equal(model.owner, devAccount("bob").address);

    // Deterministic: a second run (no --register, a home without a node) gives the same bytes.
    const again = await cli([
      ...["model", "train", "--datanet", "1", "--version", "1", "--out", join(dir, "again.onnx")],
      ...["--home", join(dir, "no-home"), "--node", ctx.node.rpcUrl, "-o", "json"],
    ]);
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout);
    assert.equal(second.artifact_sha256, res.artifact_sha256);
    assert.equal(second.model_id, undefined);

    const bad = await cli([
      ...["model", "train", "--datanet", "2", "--version", "1", "--out", join(dir, "bad.onnx")],
      ...["--node", ctx.node.rpcUrl],
    ]);
    assert.equal(bad.code, 1);
    const lastLine = bad.stderr.trimEnd().split("\n").pop();
    assert.match(lastLine ?? "", /^Error: contribution 7: metadata has no "label" field .*datanet 2/);
    assert.ok(!existsSync(join(dir, "bad.onnx")));
  });

  it("the node's worker attributes an inference of the trained model by influence; explain lists it", async () => {
    const jobId = await record(1n, "Click the link now to win free cash and claim your prize");
    const job = await finalized(jobId);
    assert.equal(job.method, AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE);
    const { entries } = await eve.query.attribution.attribution(jobId);
    assert.equal(
      entries.reduce((s, e) => s + e.bps, 0),
      10_000,
    );
    const e = await explain(jobId, ctx.node.home);
    assert.equal(e.job.method, "ATTRIBUTION_METHOD_INFLUENCE");
    assert.equal(e.local.label, "spam");
    assert.equal(e.matches, true, JSON.stringify(e));
    assert.equal(e.contributions[0].bps, Math.max(...entries.map((x) => x.bps)));
    assert.equal(e.contributions[0].contributor, devAccount("bob").address);
    const text = await explain(jobId, ctx.node.home, false);
    assert.match(text, /predicted label: spam/);
    assert.match(text, /the local recomputation matches the finalized entries/);
    const logged = ctx.node.parsedLogs().find((l) => l.msg === "attributed a job" && l.job === String(jobId));
    assert.equal(logged?.label, "spam");
    assert.equal(logged?.method, "exact");
  });

  it("explain marks the spans of a finalized span job and agrees with its entries", async () => {
    const register = msgRegisterModel({
      owner: devAccount("bob").address,
      name: "mail-llm",
      sha256: toHex(sha256(new TextEncoder().encode("mail-llm"))),
      size: 1000,
      format: "gguf",
      datanets: ["1:1"],
      attributionMethod: "span",
    });
    const modelId = registeredModelId(await tx(bob, "bob", [register]));
    const output = `As the note said, ${HAM[1]} Also, ${SPAM[0]!.slice(0, 60)} and nothing else.`;
    const jobId = await record(modelId, output);
    await finalized(jobId);
    const { entries } = await eve.query.attribution.attribution(jobId);
    assert.ok(entries.length >= 1);

    const reused = await explain(jobId, ctx.node.home);
    assert.equal(reused.local.index, "reused");
    assert.equal(reused.matches, true, JSON.stringify(reused));
    assert.ok(reused.spans.length >= 1);
    for (const s of reused.spans) assert.equal(output.slice(s.start, s.end), s.text);
    const dir = await mkdtemp(join(tmpdir(), "openledger-explain-home-"));
    tmp.push(dir);
    const built = await explain(jobId, dir);
    assert.equal(built.local.index, "built");
    assert.deepEqual(built.spans, reused.spans);
    assert.equal(built.matches, true);

    const text = await explain(jobId, dir, false);
    assert.match(text, /«[^»]+»\[1\]/);
    assert.match(text, /the local recomputation matches the finalized entries/);
    assert.ok(text.includes(devAccount("bob").address));
  });
});
