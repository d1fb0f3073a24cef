// The query extensions against the app in-process: txs built by the client's builders and
// signed by a stock (offline) SigningStargateClient with openledgerRegistry(), run in blocks; then
// every query of setupDatanetsExtension / setupModelsExtension through a cosmjs QueryClient whose
// abci_query is the app's query method (what the RPC server does).
import assert from "node:assert/strict";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { SigningStargateClient } from "@cosmjs/stargate";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import {
  ContributionStatus,
  contributionResponse,
  createdDatanetId,
  msgContribute,
  msgCreateDatanet,
  msgRegisterAdapter,
  msgRegisterModel,
  msgReviewContribution,
  type OpenledgerQueryClient,
  openledgerQueryClient,
  openledgerRegistry,
  registeredModelId,
} from "../../client/index.js";
import type { BaseApp } from "../../node/app/baseapp.js";
import {
  CHAIN_ID,
  type DevName,
  devAccountNumber,
  genesisApp,
  minFee,
  runBlock,
  signer,
  type TestApp,
} from "../app/helpers.js";

function queryClient(app: BaseApp): OpenledgerQueryClient {
  const comet = {
    async abciQuery(p: { path: string; data: Uint8Array; height?: number }) {
      const res = app.query({ path: p.path, data: p.data, prove: false });
      return { ...res, height: Number(res.height), index: Number(res.index), proof: undefined };
    },
  };
  return openledgerQueryClient(comet as unknown as Parameters<typeof openledgerQueryClient>[0]);
}

describe("client: query extensions (in-process app)", function () {
  this.timeout(30_000);
  let t: TestApp;
  let q: OpenledgerQueryClient;
  const sequences = new Map<DevName, bigint>();
  const addr: Record<string, string> = {};

  /** Signs with the stock client and runs one block; returns the tx's result as cosmjs sees it. */
  async function deliver(name: DevName, ...msgs: EncodeObject[]) {
    const s = await signer(name);
    const client = await SigningStargateClient.offline(s.wallet, { registry: openledgerRegistry() });
    const sequence = sequences.get(name) ?? 0n;
    const raw = await client.sign(s.address, msgs, { amount: minFee(400_000), gas: "400000" }, "", {
      accountNumber: devAccountNumber(name),
      sequence: Number(sequence),
      chainId: CHAIN_ID,
    });
    sequences.set(name, sequence + 1n);
    const { txResults } = await runBlock(t.app, [TxRaw.encode(raw).finish()]);
    const res = txResults[0]!;
    assert.equal(res.code, 0, res.log);
    return TxMsgData.decode(res.data);
  }

  before(async () => {
    t = await genesisApp();
    q = queryClient(t.app);
    for (const n of ["alice", "bob", "carol"] as DevName[]) addr[n] = (await signer(n)).address;
  });
  after(() => t?.close());

  it("answers every datanets and models query", async () => {
    const created = await deliver(
      "alice",
      msgCreateDatanet({ owner: addr.alice!, name: "Recipes", domain: "food", tags: ["cooking"] }),
    );
    const datanetId = createdDatanetId(created);
    assert.equal(datanetId, 1n);
    const contributed = await deliver(
      "bob",
      msgContribute({ contributor: addr.bob!, datanetId, text: "boil water", license: "CC0-1.0" }),
    );
    const { contributionId, status } = contributionResponse(contributed);
    assert.equal(status, ContributionStatus.CONTRIBUTION_STATUS_PENDING);
    await deliver(
      "alice",
      msgReviewContribution({ curator: addr.alice!, contributionId, decision: "approve" }),
    );

    const datanet = await q.datanets.datanet(datanetId);
    assert.equal(datanet.name, "Recipes");
    assert.equal(datanet.latestVersion, 1n);
    const list = await q.datanets.datanets({ tag: "cooking" }, { limit: 10 });
    assert.deepEqual(
      list.datanets.map((d) => d.id),
      [1n],
    );
    assert.equal(list.pagination?.nextKey.length, 0);
    assert.deepEqual((await q.datanets.datanets({ domain: "law" })).datanets, []);
    const c = await q.datanets.contribution(contributionId, { includeContent: true });
    assert.equal(new TextDecoder().decode(c.inlineContent), "boil water");
    assert.equal(c.contribution?.status, ContributionStatus.CONTRIBUTION_STATUS_APPROVED);
    assert.equal((await q.datanets.contribution(contributionId)).inlineContent.length, 0);
    const approved = await q.datanets.contributionsByDatanet(
      datanetId,
      ContributionStatus.CONTRIBUTION_STATUS_APPROVED,
    );
    assert.deepEqual(
      approved.contributions.map((x) => x.id),
      [contributionId],
    );
    const pending = await q.datanets.contributionsByDatanet(
      datanetId,
      ContributionStatus.CONTRIBUTION_STATUS_PENDING,
    );
    assert.deepEqual(pending.contributions, []);
    const mine = await q.datanets.contributionsByContributor(addr.bob!);
    assert.equal(mine.contributions.length, 1);
    const latest = await q.datanets.version(datanetId);
    assert.deepEqual(await q.datanets.version(datanetId, 1), latest);
    assert.deepEqual(latest.contributionIds, [contributionId]);
    const stats = await q.datanets.contributorStats(addr.bob!);
    assert.equal(stats.stats?.approvals, 1n);
    assert.equal(stats.reputationBps, 10000n);
    assert.equal((await q.datanets.params()).bondDenom, "uopen");

    const model = await deliver(
      "carol",
      msgRegisterModel({
        owner: addr.carol!,
        name: "chef-7b",
        artifact: new TextEncoder().encode("chef weights"),
        format: "gguf",
        datanets: [{ datanetId, version: 1 }],
      }),
    );
    const modelId = registeredModelId(model);
    await deliver(
      "carol",
      msgRegisterAdapter({
        owner: addr.carol!,
        baseModelId: modelId,
        artifact: new TextEncoder().encode("lora"),
        rank: 4,
        targetLayers: ["q_proj"],
        datanets: [`${datanetId}:1`],
      }),
    );
    assert.equal((await q.models.model(modelId)).name, "chef-7b");
    assert.deepEqual(
      (await q.models.models({ datanetId })).models.map((m) => m.id),
      [modelId],
    );
    assert.deepEqual((await q.models.models({ owner: addr.bob! })).models, []);
    assert.equal((await q.models.models({}, { limit: 1 })).models.length, 1);
    const adapters = await q.models.adaptersOfModel(modelId);
    assert.equal(adapters.adapters.length, 1);
    assert.equal((await q.models.adapter(adapters.adapters[0]!.id)).rank, 4);
    assert.ok((await q.models.params()).allowedFormats.includes("gguf"));
    assert.equal((await q.bank.balance(addr.bob!, "uopen")).denom, "uopen");
  });

  it("rejects with the module's code and log for what does not exist", async () => {
    await assert.rejects(q.datanets.datanet(99), /Query failed with \(3\): .*datanet not found/);
    await assert.rejects(q.datanets.contribution(99), /Query failed with \(4\)/);
    await assert.rejects(q.datanets.version(1, 9), /Query failed with \(5\)/);
    await assert.rejects(q.models.model(42), /Query failed with \(11\)/);
    await assert.rejects(q.models.adapter(42), /Query failed with \(12\)/);
    await assert.rejects(q.datanets.datanets({}, { limit: 5000 }), /Query failed with \(18\)/);
    await assert.rejects(q.datanets.contributorStats("open1bad"), /contributor/);
  });
});
