// Attribution against the real node process (the single-validator dev chain): a model on a
// datanet version, `tx attribution record-inference` through the CLI, the dev validator's result
// signed with its priv_validator_key and broadcast by its operator (alice) with a stock cosmjs
// client, finalized through the mempool; `query attribution …` through the CLI.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { assertIsDeliverTxSuccess, type DeliverTxResponse } from "@cosmjs/stargate";
import {
  connectOpenledger,
  msgContribute,
  msgCreateDatanet,
  msgRegisterModel,
  msgSubmitAttribution,
  type OpenledgerClients,
  submittedAttribution,
} from "../../../client/index.js";
import { signResult } from "../../../modules/attribution/index.js";
import { readPrivValidatorKey } from "../../../node/types/keyfile.js";
import { AttributionMethod } from "../../../proto/gen/openledger/models/v1/types.js";
import { CHAIN_ID, devAccount, devWallet, eventually, useNode } from "../../e2e/harness.js";

const BIN = fileURLToPath(new URL("../../../bin/openledgerd.js", import.meta.url));

function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, OPENLEDGER_KEYRING_BACKEND: undefined, OPENLEDGER_NODE: undefined };
    const child = execFile(process.execPath, [BIN, ...args], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

describe("e2e: attribution through the node, cosmjs and the CLI", function () {
  this.timeout(90_000);
  const ctx = useNode({ blockIntervalMs: 200 });
  let home: string;
  const alice = devAccount("alice").address;
  const bob = devAccount("bob").address;
  let ol: OpenledgerClients;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), "openledger-cli-"));
    ol = await connectOpenledger(ctx.node.rpcUrl, await devWallet("alice"), { broadcastPollIntervalMs: 100 });
  });
  after(async () => {
    ol?.disconnect();
    await rm(home, { recursive: true, force: true });
  });

  async function send(msgs: EncodeObject[]): Promise<DeliverTxResponse> {
    const result = await ol.signing.signAndBroadcast(alice, msgs, "auto");
    assertIsDeliverTxSuccess(result);
    return result;
  }

  it("records through the CLI, finalizes with the validator's signed result, queries through the CLI", async () => {
    await send([
      msgCreateDatanet({ owner: alice, name: "E2E notes", domain: "e2e", needsApproval: false }),
      msgContribute({ contributor: alice, datanetId: 1, text: "an approved note", license: "MIT" }),
    ]);
    await eventually(
      async () => ((await ol.query.datanets.datanet(1)).latestVersion === 1n ? true : undefined),
      "datanet 1 version 1",
    );
    await send([
      msgRegisterModel({
        owner: alice,
        name: "e2e-model",
        datanets: ["1:1"],
        sha256: "cd".repeat(32),
        size: 10,
        format: "onnx",
        price: { perCall: 1000, per1kOutputTokens: 50 },
      }),
    ]);

    const common = ["--home", home, "--keyring-backend", "test"];
    const added = await cli(
      ["keys", "add", "bob", "--recover", ...common],
      `${devAccount("bob").mnemonic}\n`,
    );
    assert.equal(added.code, 0, added.stderr);
    const node = ["--node", ctx.node.rpcUrl, "-o", "json"];
    const recorded = await cli([
      ...["tx", "attribution", "record-inference", "--model", "1", "--prompt", "what is in the note?"],
      ...["--output-text", "an approved note", "--output-tokens", "20", "--fee", "1001uopen"],
      ...["--from", "bob", ...common, ...node],
    ]);
    assert.equal(recorded.code, 0, recorded.stderr);
    const tx = JSON.parse(recorded.stdout) as {
      code: number;
      response: { jobId: string; deadlineHeight: string };
    };
    assert.equal(tx.code, 0);
    assert.equal(tx.response.jobId, "1");
    const refused = await cli([
      ...["tx", "attribution", "record-inference", "--model", "1", "--prompt", "q", "--output-text", "a"],
      ...["--output-tokens", "20", "--fee", "1000uopen", "--from", "bob", ...common, ...node],
    ]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /fee 1000uopen is below the price of model 1 for 20 output tokens: 1001uopen/,
    );

    // The dev validator's worker, by hand: its consensus key from the node's home.
    const key = await readPrivValidatorKey(join(ctx.node.home, "config", "priv_validator_key.json"));
    const entries = [{ contributionId: 1n, bps: 10_000 }];
    const method = AttributionMethod.ATTRIBUTION_METHOD_SPAN;
    const signed = signResult(key, { chainId: CHAIN_ID, jobId: 1n, method, entries });
    const result = await send([
      msgSubmitAttribution({ operator: alice, jobId: 1, method: "span", entries, ...signed }),
    ]);
    assert.equal(submittedAttribution(result).finalized, true, "one validator holds all the power");

    const job = await cli(["query", "attribution", "job", "1", ...node]);
    assert.equal(job.code, 0, job.stderr);
    const j = JSON.parse(job.stdout) as Record<string, unknown>;
    assert.deepEqual(
      [j.state, j.method, j.payer, j.owner, (j.fee as { amount: string }).amount],
      ["JOB_STATE_FINALIZED", "ATTRIBUTION_METHOD_SPAN", bob, alice, "1001"],
    );
    const att = await cli(["query", "attribution", "attribution", "1", ...node]);
    const a = JSON.parse(att.stdout) as { entries: unknown[]; submissions: { operator: string }[] };
    assert.deepEqual(a.entries, [{ contributionId: "1", bps: 10000 }]);
    assert.deepEqual(
      a.submissions.map((s) => s.operator),
      [alice],
    );
    // The rest through the client's query extension over the node's RPC.
    assert.deepEqual(await ol.query.attribution.rewardsByContributor(alice), {
      denom: "uopen",
      amount: "500",
    });
    assert.deepEqual((await ol.query.attribution.pendingJobs()).jobs, []);
    assert.equal((await ol.query.attribution.validatorRecord(alice)).submitted, 1n);
  });
});
