// The datanets and models acceptance against the real node process, with a stock cosmjs
// SigningStargateClient and the client library (client/): a datanet, three contributions, a
// curator's reviews, a version, a model and an adapter on it; every query, every bond and fee to
// the last uopen; refusals with the module's codespace and code; and the CLI (`tx datanets create`,
// `query datanets datanet`) as a child process.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import {
  assertIsDeliverTxSuccess,
  BroadcastTxError,
  calculateFee,
  type DeliverTxResponse,
  GasPrice,
  SigningStargateClient,
} from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import {
  ContributionStatus,
  connectOpenledger,
  contributionResponse,
  createdDatanetId,
  msgContribute,
  msgCreateDatanet,
  msgRegisterAdapter,
  msgRegisterModel,
  msgReviewContribution,
  type OpenledgerClients,
  openledgerRegistry,
  registeredAdapterId,
  registeredModelId,
} from "../../client/index.js";
import { formatAddress, moduleAddress } from "../../node/app/address.js";
import { DENOM, devAccount, devWallet, MIN_GAS_PRICE, START_BALANCE, useNode } from "./harness.js";

const ESCROW = formatAddress(moduleAddress("datanets"));
const BOND = 5000n;
const BIN = fileURLToPath(new URL("../../bin/openledgerd.js", import.meta.url));
const NAMES = ["alice", "bob", "carol", "dave", "eve"] as const;
type Name = (typeof NAMES)[number];
const TEXTS = { bob: "aspirin 81mg daily", carol: "metformin 500mg bid", dave: "buy cheap pills" };

/** The fee a tx paid, from its `tx` event; "auto" fees are ceil(gas wanted × 0.025). */
function feeOf(r: DeliverTxResponse): bigint {
  const fee = r.events.find((e) => e.type === "tx" && e.attributes.some((a) => a.key === "fee"));
  const value = fee?.attributes.find((a) => a.key === "fee")?.value ?? "";
  assert.match(value, /^[0-9]+uopen$/, `fee attribute of ${r.transactionHash}`);
  assert.equal(BigInt(value.slice(0, -5)), (r.gasWanted * 25n + 999n) / 1000n);
  return BigInt(value.slice(0, -5));
}

/** RFC-6962 Merkle root (CometBFT's hashFromByteSlices) over u64be(id) ‖ sha256(content). */
function versionHash(entries: [bigint, string][]): Uint8Array {
  const leaves = entries.map(([id, text]) => {
    const leaf = new Uint8Array(40);
    new DataView(leaf.buffer).setBigUint64(0, id);
    leaf.set(sha256(new TextEncoder().encode(text)), 8);
    return leaf;
  });
  const root = (items: Uint8Array[]): Uint8Array => {
    if (items.length === 1) return sha256(Uint8Array.from([0, ...items[0]!]));
    let k = 1;
    while (k * 2 < items.length) k *= 2;
    return sha256(Uint8Array.from([1, ...root(items.slice(0, k)), ...root(items.slice(k))]));
  };
  return root(leaves);
}

function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, OPENLEDGER_KEYRING_BACKEND: undefined, OPENLEDGER_NODE: undefined };
    const child = execFile(process.execPath, [BIN, ...args], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

describe("e2e: datanets and models through cosmjs and the client library", function () {
  this.timeout(90_000);
  const ctx = useNode({ blockIntervalMs: 200 });
  const addr = Object.fromEntries(NAMES.map((n) => [n, devAccount(n).address])) as Record<Name, string>;
  const clients = {} as Record<Name, SigningStargateClient>;
  let ol: OpenledgerClients;
  /** Fees paid so far, per account. */
  const fees = Object.fromEntries(NAMES.map((n) => [n, 0n])) as Record<Name, bigint>;
  let datanetId: bigint;
  const ids = {} as Record<"bob" | "carol" | "dave", bigint>;

  async function send(who: Name, msgs: EncodeObject[]): Promise<DeliverTxResponse> {
    const result = await clients[who].signAndBroadcast(addr[who], msgs, "auto");
    assertIsDeliverTxSuccess(result);
    fees[who] += feeOf(result);
    return result;
  }

  const balance = async (address: string) => BigInt((await ol.query.bank.balance(address, DENOM)).amount);

  before(async () => {
    // alice through the convenience; the others through SigningStargateClient.connectWithSigner.
    ol = await connectOpenledger(ctx.node.rpcUrl, await devWallet("alice"), { broadcastPollIntervalMs: 200 });
    clients.alice = ol.signing;
    for (const n of NAMES.slice(1)) {
      clients[n] = await SigningStargateClient.connectWithSigner(ctx.node.rpcUrl, await devWallet(n), {
        registry: openledgerRegistry(),
        gasPrice: GasPrice.fromString(MIN_GAS_PRICE),
        broadcastPollIntervalMs: 200,
      });
    }
  });
  after(() => {
    for (const c of Object.values(clients)) c.disconnect();
  });

  it("creates a datanet, takes three contributions, reviews them and commits a version", async () => {
    const created = await send("alice", [
      msgCreateDatanet({
        owner: addr.alice,
        name: "Clinical notes",
        domain: "medicine",
        tags: ["clinical", "en"],
        contributionBond: BOND,
        curators: [addr.eve],
      }),
    ]);
    datanetId = createdDatanetId(created);
    assert.equal(datanetId, 1n);
    for (const who of ["bob", "carol", "dave"] as const) {
      const r = await send(who, [
        msgContribute({ contributor: addr[who], datanetId, text: TEXTS[who], license: "CC-BY-4.0" }),
      ]);
      const res = contributionResponse(r);
      assert.equal(res.status, ContributionStatus.CONTRIBUTION_STATUS_PENDING);
      assert.equal(toHex(res.contentHash), toHex(sha256(new TextEncoder().encode(TEXTS[who]))));
      ids[who] = res.contributionId;
    }
    assert.equal(await balance(ESCROW), 3n * BOND);
    // One tx, one block: both approvals make a single version.
    await send("eve", [
      msgReviewContribution({ curator: addr.eve, contributionId: ids.bob, decision: "approve", score: 90 }),
      msgReviewContribution({ curator: addr.eve, contributionId: ids.carol, decision: "approve", score: 80 }),
      msgReviewContribution({
        curator: addr.eve,
        contributionId: ids.dave,
        decision: "reject",
        reason: "spam",
      }),
    ]);
  });

  it("every datanets query answers what was done", async () => {
    const q = ol.query.datanets;
    const d = await q.datanet(datanetId);
    assert.deepEqual(
      [
        d.owner,
        d.name,
        d.domain,
        d.tags,
        d.curators,
        d.contributionBond,
        d.latestVersion,
        d.contributionCount,
      ],
      [addr.alice, "Clinical notes", "medicine", ["clinical", "en"], [addr.eve], "5000", 1n, 3n],
    );
    assert.deepEqual((await q.datanets({ tag: "clinical" })).datanets, [d]);
    const { CONTRIBUTION_STATUS_APPROVED: APPROVED, CONTRIBUTION_STATUS_REJECTED: REJECTED } =
      ContributionStatus;
    const approved = await q.contributionsByDatanet(datanetId, APPROVED);
    assert.deepEqual(
      approved.contributions.map((c) => [c.id, c.contributor, c.reviewer, c.score, c.includedInVersion]),
      [
        [ids.bob, addr.bob, addr.eve, 90, 1n],
        [ids.carol, addr.carol, addr.eve, 80, 1n],
      ],
    );
    const rejected = (await q.contributionsByDatanet(datanetId, REJECTED)).contributions;
    assert.deepEqual(
      rejected.map((c) => [c.id, c.reason, c.includedInVersion]),
      [[ids.dave, "spam", 0n]],
    );
    assert.equal((await q.contributionsByDatanet(datanetId)).contributions.length, 3);
    const withContent = await q.contribution(ids.carol, { includeContent: true });
    assert.equal(new TextDecoder().decode(withContent.inlineContent), TEXTS.carol);
    assert.equal(withContent.contribution?.bondAmount, "5000");
    assert.deepEqual(
      (await q.contributionsByContributor(addr.dave)).contributions.map((c) => c.status),
      [ContributionStatus.CONTRIBUTION_STATUS_REJECTED],
    );
    const v = await q.version(datanetId);
    assert.deepEqual(await q.version(datanetId, 1), v);
    assert.deepEqual(v.contributionIds, [ids.bob, ids.carol]);
    assert.equal(
      toHex(v.hash),
      toHex(
        versionHash([
          [ids.bob, TEXTS.bob],
          [ids.carol, TEXTS.carol],
        ]),
      ),
    );
    const bob = await q.contributorStats(addr.bob);
    assert.deepEqual([bob.stats?.contributions, bob.stats?.approvals, bob.reputationBps], [1n, 1n, 10000n]);
    const dave = await q.contributorStats(addr.dave);
    assert.deepEqual([dave.stats?.rejections, dave.reputationBps], [1n, 0n]);
    assert.equal((await q.params()).bondDenom, DENOM);
  });

  it("registers a model on the version and an adapter on the model", async () => {
    const modelTx = await send("alice", [
      msgRegisterModel({
        owner: addr.alice,
        name: "clinical-llama-8b",
        artifact: new TextEncoder().encode("model weights"),
        format: "safetensors",
        datanets: [{ datanetId, version: 1 }],
        price: { perCall: 1000, per1kOutputTokens: 50 },
      }),
    ]);
    const modelId = registeredModelId(modelTx);
    const adapterTx = await send("carol", [
      msgRegisterAdapter({
        owner: addr.carol,
        baseModelId: modelId,
        artifact: new TextEncoder().encode("lora weights"),
        rank: 16,
        targetLayers: ["q_proj", "v_proj"],
        datanets: [`${datanetId}:1`],
      }),
    ]);
    const adapterId = registeredAdapterId(adapterTx);
    const q = ol.query.models;
    const model = await q.model(modelId);
    assert.deepEqual(
      [model.owner, model.name, model.datanets, model.artifactSize, model.price],
      [
        addr.alice,
        "clinical-llama-8b",
        [{ datanetId, version: 1n }],
        13n,
        { perCall: "1000", per1kOutputTokens: "50" },
      ],
    );
    assert.deepEqual((await q.models({ datanetId })).models, [model]);
    assert.deepEqual((await q.models({ owner: addr.carol })).models, []);
    const adapter = await q.adapter(adapterId);
    assert.deepEqual(
      [adapter.owner, adapter.baseModelId, adapter.rank, adapter.targetLayers],
      [addr.carol, modelId, 16, ["q_proj", "v_proj"]],
    );
    assert.deepEqual((await q.adaptersOfModel(modelId)).adapters, [adapter]);
  });

  it("moved bonds and fees exactly", async () => {
    assert.equal(await balance(ESCROW), 2n * BOND, "the bonds of the two approved contributions");
    assert.equal(await balance(addr.bob), START_BALANCE - fees.bob - BOND);
    assert.equal(await balance(addr.carol), START_BALANCE - fees.carol - BOND);
    assert.equal(await balance(addr.dave), START_BALANCE - fees.dave, "the rejected bond came back");
    assert.equal(await balance(addr.alice), START_BALANCE - fees.alice);
    assert.equal(await balance(addr.eve), START_BALANCE - fees.eve);
  });

  /**
   * Refused twice, changing nothing: with fee "auto" the simulation answers the code; with a fixed
   * fee the node's CheckTx (which runs the message on a scratch state) refuses the broadcast.
   */
  async function refused(who: Name, msg: EncodeObject, code: number, log: RegExp) {
    const before = [
      await balance(ESCROW),
      await balance(addr[who]),
      await clients[who].getSequence(addr[who]),
    ];
    await assert.rejects(clients[who].signAndBroadcast(addr[who], [msg], "auto"), (err: Error) => {
      assert.match(err.message, new RegExp(`Query failed with \\(${code}\\): .*${log.source}`));
      return true;
    });
    // sign + broadcastTxSync: signAndBroadcast would leave its 60 s poll timer running on a refusal.
    const signed = await clients[who].sign(addr[who], [msg], calculateFee(300_000, MIN_GAS_PRICE), "");
    await assert.rejects(clients[who].broadcastTxSync(TxRaw.encode(signed).finish()), (err: unknown) => {
      assert.ok(err instanceof BroadcastTxError, `expected a BroadcastTxError, got ${err}`);
      assert.deepEqual([err.code, err.codespace], [code, "datanets"]);
      assert.match(err.log ?? "", log);
      return true;
    });
    await ctx.node.waitBlocks(1);
    const after = [
      await balance(ESCROW),
      await balance(addr[who]),
      await clients[who].getSequence(addr[who]),
    ];
    assert.deepEqual(after, before);
  }

  it("refuses over the wire with the module's codespace and code, changing nothing", async () => {
    const text = "a new note";
    await refused(
      "bob",
      msgContribute({ contributor: addr.bob, datanetId: 99, text, license: "MIT" }),
      3,
      /datanet 99: datanet not found/,
    );
    await refused(
      "bob",
      msgReviewContribution({ curator: addr.bob, contributionId: ids.carol, decision: "approve" }),
      7,
      /is not a curator/,
    );
    await refused(
      "carol",
      msgContribute({ contributor: addr.carol, datanetId, text: TEXTS.bob, license: "MIT" }),
      12,
      /content already in the datanet/,
    );
    assert.equal((await ol.query.datanets.datanet(datanetId)).contributionCount, 3n);
  });

  it("CLI: tx datanets create and query datanets datanet (-o json)", async () => {
    const home = await mkdtemp(join(tmpdir(), "openledger-cli-"));
    try {
      const common = ["--home", home, "--keyring-backend", "test"];
      const added = await cli(
        ["keys", "add", "alice", "--recover", ...common],
        `${devAccount("alice").mnemonic}\n`,
      );
      assert.equal(added.code, 0, added.stderr);
      const node = ["--node", ctx.node.rpcUrl, "-o", "json"];
      const create = await cli([
        ...["tx", "datanets", "create", "CLI set", "--domain", "cli", "--tags", "a,b", "--bond", "7"],
        ...["--from", "alice", ...common, ...node],
      ]);
      assert.equal(create.code, 0, create.stderr);
      const tx = JSON.parse(create.stdout) as {
        code: number;
        txhash: string;
        response: { datanetId: string };
      };
      assert.equal(tx.code, 0);
      assert.match(tx.txhash, /^[0-9A-F]{64}$/);
      const query = await cli(["query", "datanets", "datanet", tx.response.datanetId, ...node]);
      assert.equal(query.code, 0, query.stderr);
      const d = JSON.parse(query.stdout) as Record<string, unknown>;
      assert.deepEqual(
        [d.id, d.owner, d.name, d.domain, d.tags, d.contributionBond, d.dataType],
        [tx.response.datanetId, addr.alice, "CLI set", "cli", ["a", "b"], "7", "DATA_TYPE_TEXT"],
      );
      const bad = await cli([
        "tx",
        "datanets",
        "review",
        "1",
        "maybe",
        "--from",
        "alice",
        ...common,
        ...node,
      ]);
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr.trim().split("\n").length, 1);
      assert.match(bad.stderr, /decision: "maybe" must be one of approve, reject/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
