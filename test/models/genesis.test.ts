// models genesis: export → import gives the same app hash and the same answers (secondary indexes
// rebuilt), and both chains go on alike.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import { AttributionMethod } from "../../proto/gen/openledger/models/v1/types.js";
import { CHAIN_ID, runBlock, type Signer, signer } from "../app/helpers.js";
import {
  deliverOk,
  deprecateAdapter,
  deprecateModel,
  ids,
  type ModelsTestApp,
  modelsApp,
  newModelsApp,
  queryAdaptersOfModel,
  queryModel,
  queryModels,
  registerAdapter,
  registerModel,
  sha,
  signTx,
  updatePrice,
} from "./helpers.js";

describe("models genesis", () => {
  const open: ModelsTestApp[] = [];
  let alice: Signer;
  let bob: Signer;

  before(async () => {
    [alice, bob] = await Promise.all([signer("alice"), signer("bob")]);
  });
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });

  async function track(p: Promise<ModelsTestApp>): Promise<ModelsTestApp> {
    const t = await p;
    open.push(t);
    return t;
  }

  it("export → import: the same app hash, the same answers, and both chains go on alike", async () => {
    const a = await track(modelsApp());
    await deliverOk(
      a,
      alice,
      registerModel(alice.address, {
        datanets: [
          { datanetId: 1n, version: 2n },
          { datanetId: 2n, version: 1n },
        ],
      }),
    );
    const registeredAt = a.app.info().lastBlockHeight;
    await deliverOk(
      a,
      bob,
      registerAdapter(bob.address),
      registerAdapter(bob.address, { adapterSha256: sha("b2") }),
    );
    await deliverOk(
      a,
      bob,
      registerModel(bob.address, {
        baseModelId: 1n,
        artifactSha256: sha("derived"),
        format: "gguf",
        attributionMethod: AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE,
      }),
      updatePrice(bob.address, { adapterId: 2n, price: { perCall: "7", per1kOutputTokens: "0" } }),
      deprecateAdapter(bob.address, 1n),
    );
    await deliverOk(a, alice, deprecateModel(alice.address, 1n));

    const exported = a.app.exportGenesis();
    const json = JSON.parse(JSON.stringify(exported)) as Record<string, unknown>;
    assert.deepEqual(json, exported, "the export is plain JSON");
    const models = json.models as {
      models: Record<string, unknown>[];
      next_model_id: string;
      next_adapter_id: string;
    };
    assert.equal(models.next_model_id, "3");
    assert.equal(models.next_adapter_id, "3");
    assert.deepEqual(models.models[0], {
      id: "1",
      owner: alice.address,
      name: "med-llama-8b",
      base_model_id: "0",
      datanets: [
        { datanet_id: "1", version: "2" },
        { datanet_id: "2", version: "1" },
      ],
      artifact_sha256: toHex(sha("med-llama-8b.safetensors")),
      artifact_size: "16000000000",
      format: "safetensors",
      attribution_method: "ATTRIBUTION_METHOD_SPAN",
      price: { per_call: "1000", per_1k_output_tokens: "50" },
      deprecated: true,
      created_height: registeredAt.toString(),
    });

    const height = a.app.info().lastBlockHeight;
    const b = await track(newModelsApp());
    const { appHash } = await b.app.initChain({
      chainId: CHAIN_ID,
      timeNs: 0n,
      initialHeight: height + 1n,
      appState: json,
      validators: [],
    });
    assert.equal(toHex(appHash), toHex(a.app.info().lastBlockAppHash), "same app hash");
    assert.deepEqual(b.app.exportGenesis(), exported, "exporting again gives the same genesis");
    for (const req of [
      {},
      { owner: bob.address },
      { datanetId: 2n },
      { owner: alice.address, datanetId: 1n },
    ]) {
      assert.deepEqual(
        queryModels(b, req),
        queryModels(a, req),
        JSON.stringify(req, (_k, v) => (typeof v === "bigint" ? `${v}` : v)),
      );
    }
    assert.deepEqual(ids(queryAdaptersOfModel(b, { modelId: 1n }).adapters), [1n, 2n]);

    // The same next tx on both: the counters survived, so the new model gets id 3 on each.
    const next = await signTx(
      bob,
      [registerModel(bob.address, { artifactSha256: sha("next"), baseModelId: 2n })],
      2n,
    );
    const ra = await runBlock(a.app, [next]);
    const rb = await runBlock(b.app, [next]);
    assert.equal(rb.txResults[0]!.code, 0, rb.txResults[0]!.log);
    assert.deepEqual(rb.txResults, ra.txResults);
    assert.equal(toHex(rb.appHash), toHex(ra.appHash));
    assert.equal(queryModel(b, 3n).baseModelId, 2n);
  });
});
