// Paid inference end to end: `model train --register` and `model train-adapter --register` on a dev
// chain, `serve-model`'s server in front of them, a payer's paying fetch (stock cosmjs amino
// wallet): 200 with the prediction and PAYMENT-RESPONSE; the payment is the model's inference fee,
// the node's worker attributes it by influence, and once finalized the model owner and the
// contributors are credited exactly per the split (read with cosmjs). Adapters load on demand.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { assertIsDeliverTxSuccess } from "@cosmjs/stargate";
import {
  connectOpenledger,
  createdDatanetId,
  JobState,
  msgContribute,
  msgCreateDatanet,
  type OpenledgerClients,
} from "../../client/index.js";
import { paymentResponse, wrapFetchWithPayment } from "../../client/x402/fetch.js";
import { type ModelServer, startModelServer } from "../../node/serving/model-server.js";
import {
  QueryPaymentsByPayerRequest,
  QueryPaymentsResponse,
} from "../../proto/gen/openledger/settlement/v1/query.js";
import { devAccount, devWallet, eventually, useNode } from "./harness.js";
import { addKey, aminoWallet, balanceOf, cli } from "./x402-support.js";

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
const PRICE = 5000n;

describe("e2e: paid inference (serve-model) settled by x402 and split by attribution", function () {
  this.timeout(90_000);
  const ctx = useNode({ autoStart: false });
  let bob: OpenledgerClients;
  let server: ModelServer;
  let dir: string;
  const who = (n: string) => devAccount(n).address;

  const tx = async (c: OpenledgerClients, name: string, msgs: EncodeObject[]) => {
    const r = await c.signing.signAndBroadcast(who(name), msgs, "auto");
    assertIsDeliverTxSuccess(r);
    return r;
  };

  before(async function () {
    this.timeout(90_000);
    dir = await mkdtemp(join(tmpdir(), "openledger-serve-"));
    const home = ctx.node.home;
    await addKey(home, "operator", "alice");
    await addKey(home, "dave", "dave");
    await ctx.node.start({ blockIntervalMs: 200 });
    bob = await connectOpenledger(ctx.node.rpcUrl, await devWallet("bob"), { broadcastPollIntervalMs: 200 });
    const carol = await connectOpenledger(ctx.node.rpcUrl, await devWallet("carol"), {
      broadcastPollIntervalMs: 200,
    });
    const datanetId = createdDatanetId(
      await tx(bob, "bob", [
        msgCreateDatanet({ owner: who("bob"), name: "Mail", domain: "mail", needsApproval: false }),
      ]),
    );
    const contribute = (name: string, text: string, label: string) =>
      msgContribute({
        contributor: who(name),
        datanetId,
        text,
        license: "CC-BY-4.0",
        metadata: JSON.stringify({ label }),
      });
    await tx(
      bob,
      "bob",
      SPAM.map((t) => contribute("bob", t, "spam")),
    );
    await tx(
      carol,
      "carol",
      HAM.map((t) => contribute("carol", t, "ham")),
    );
    carol.disconnect();
    const common = ["--home", home, "--keyring-backend", "test", "--node", ctx.node.rpcUrl, "-o", "json"];
    const model = await cli([
      ...["model", "train", "--datanet", "1", "--version", "2", "--out", join(dir, "m.onnx")],
      ...[
        "--register",
        "--name",
        "spam-filter",
        "--price-per-call",
        PRICE.toString(),
        "--from",
        "dave",
        ...common,
      ],
    ]);
    assert.equal(model.code, 0, model.stderr);
    assert.equal(JSON.parse(model.stdout).model_id, "1");
    const adapter = await cli([
      ...[
        "model",
        "train-adapter",
        "--base",
        "1",
        "--datanet",
        "1",
        "--version",
        "2",
        "--out",
        join(dir, "a.onnx"),
      ],
      ...["--rank", "2", "--register", "--from", "dave", "--price-per-call", "700", ...common],
    ]);
    assert.equal(adapter.code, 0, adapter.stderr);
    const a = JSON.parse(adapter.stdout);
    assert.equal(a.adapter_id, "1");
    assert.equal(a.pushed, true, "the adapter file went to the node's content store");
    const held = await fetch(`${ctx.node.rpcUrl}/content/${a.adapter_sha256}`);
    assert.equal(held.status, 200);
    assert.equal(Buffer.from(await held.arrayBuffer()).length, a.size);
    const registered = await bob.query.models.adapter(1);
    assert.equal(registered.adapterSize, BigInt(a.size));
    assert.ok(Number(a.loss_after) <= Number(a.loss_before), `${a.loss_after} ≤ ${a.loss_before}`);
    server = await startModelServer({
      rpcUrl: ctx.node.rpcUrl,
      port: 0,
      artifactsDir: join(home, "data", "models"),
    });
  });
  after(async () => {
    await server?.close();
    bob?.disconnect();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const predict = (path: string, text: string, pay = true) => {
    const init = {
      method: "POST",
      body: JSON.stringify({ text }),
      headers: { "content-type": "application/json" },
    };
    if (!pay) return fetch(`${server.url}${path}`, init);
    return aminoWallet("eve").then((w) =>
      wrapFetchWithPayment(fetch, w, { maxAmount: 10_000n })(`${server.url}${path}`, init),
    );
  };

  it("a paid prediction: the payer pays the model's price; the owner and the contributors get their split", async () => {
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as {
      id: string;
      price: { perCall: string };
    }[];
    assert.deepEqual(
      models.map((m) => [m.id, m.price.perCall]),
      [["1", "5000"]],
    );
    const unpaid = await predict("/v1/models/1/predict", "free prize", false);
    assert.equal(unpaid.status, 402);
    const before = Object.fromEntries(
      await Promise.all(
        ["eve", "dave", "bob", "carol"].map(async (n) => [n, await balanceOf(ctx.node.rpcUrl, who(n))]),
      ),
    ) as Record<string, bigint>;
    const res = await predict(
      "/v1/models/1/predict",
      "Click now to claim your free cash prize and win the bonus",
    );
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      label: string;
      model: string;
      probabilities: Record<string, number>;
    };
    assert.equal(body.label, "spam");
    assert.equal(body.model, "1");
    const settled = paymentResponse(res)!;
    assert.equal(settled.success, true, JSON.stringify(settled));
    assert.equal(await balanceOf(ctx.node.rpcUrl, who("eve")), before.eve! - PRICE);

    // The payment opened attribution job 1 (read back through the settlement query).
    const q = await bob.query.queryAbci(
      "/openledger.settlement.v1.Query/PaymentsByPayer",
      QueryPaymentsByPayerRequest.encode({ payer: who("eve"), pagination: undefined }).finish(),
    );
    const payment = QueryPaymentsResponse.decode(q.value).payments[0]!;
    assert.equal(payment.authorization?.modelId, 1n);
    const jobId = payment.jobId;
    assert.ok(jobId > 0n);
    const job = await eventually(async () => {
      const j = await bob.query.attribution.job(jobId);
      return j.state === JobState.JOB_STATE_FINALIZED ? j : undefined;
    }, `job ${jobId} finalized`);
    assert.equal(job.fee?.amount, PRICE.toString());
    const { entries } = await bob.query.attribution.attribution(jobId);
    assert.ok(entries.length > 0, "the prediction was attributed to contributions");
    const gain = async (n: string) => (await balanceOf(ctx.node.rpcUrl, who(n))) - before[n]!;
    assert.equal(await gain("dave"), (PRICE * 2000n) / 10000n, "the model owner's 20%");
    // Each entry is paid contributors × bps / 10000 (rounded down; remainders go to the treasury).
    const pool = (PRICE * 5000n) / 10000n;
    const owed = { bob: 0n, carol: 0n };
    for (const e of entries)
      owed[e.contributionId <= 3n ? "bob" : "carol"] += (pool * BigInt(e.bps)) / 10000n;
    assert.equal(await gain("bob"), owed.bob, "bob's share (spam examples 1-3)");
    assert.equal(await gain("carol"), owed.carol, "carol's share (ham examples 4-6)");
    assert.ok(owed.bob > owed.carol, "bob's spam examples shaped a spam prediction most");
    assert.ok(pool - (owed.bob + owed.carol) < BigInt(entries.length), "only rounding stays out");
  });

  it("adapters are loaded on demand and kept: a second call hits the cache", async () => {
    const first = await predict("/v1/adapters/1/predict", "Please send the meeting agenda to the editor");
    assert.equal(first.status, 200, await first.clone().text());
    assert.equal(((await first.json()) as { adapter: string }).adapter, "1");
    assert.equal(paymentResponse(first)?.success, true);
    const second = await predict("/v1/adapters/1/predict", "Win free cash now");
    assert.equal(second.status, 200);
    const stats = (await (await fetch(`${server.url}/v1/stats`)).json()) as Record<string, unknown>;
    assert.equal(stats.adapterLoads, 1);
    assert.equal(stats.adapterHits, 1);
    assert.equal((stats.loadedAdapters as string[]).length, 1);
    // The node's worker attributes the adapter's calls with the adapter merged into its base.
    const q = await bob.query.queryAbci(
      "/openledger.settlement.v1.Query/PaymentsByPayer",
      QueryPaymentsByPayerRequest.encode({ payer: who("eve"), pagination: undefined }).finish(),
    );
    const jobs = QueryPaymentsResponse.decode(q.value)
      .payments.filter((p) => p.authorization?.adapterId === 1n)
      .map((p) => p.jobId);
    assert.equal(jobs.length, 2);
    for (const jobId of jobs) {
      const job = await eventually(async () => {
        const j = await bob.query.attribution.job(jobId);
        return j.state === JobState.JOB_STATE_FINALIZED ? j : undefined;
      }, `adapter job ${jobId} finalized`);
      assert.equal(job.adapterId, 1n);
      assert.equal(job.fee?.amount, "700");
    }
  });

  it("bad requests are refused before any payment", async () => {
    const bad = await fetch(`${server.url}/v1/models/1/predict`, { method: "POST", body: "not json" });
    assert.equal(bad.status, 400);
    const missing = await predict("/v1/models/99/predict", "hello", false);
    assert.equal(missing.status, 404);
    const wrongMethod = await fetch(`${server.url}/v1/models/1/predict`);
    assert.equal(wrongMethod.status, 405);
  });
});
