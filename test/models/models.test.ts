// The models module end to end through BaseApp with real signed txs: a model registered on a
// datanet version, an adapter on it, price updates, deprecation, and the queries that show it.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import {
  QueryAdapterRequest,
  QueryAdaptersOfModelRequest,
  QueryModelRequest,
  QueryModelsRequest,
  QueryParamsResponse,
} from "../../proto/gen/openledger/models/v1/query.js";
import {
  MsgRegisterAdapterResponse,
  MsgRegisterModel,
  MsgRegisterModelResponse,
} from "../../proto/gen/openledger/models/v1/tx.js";
import { AttributionMethod } from "../../proto/gen/openledger/models/v1/types.js";
import { eventsOf, queryOk, type Signer, signer } from "../app/helpers.js";
import {
  deliverOk,
  deprecateAdapter,
  deprecateModel,
  ids,
  MODELS_TYPES,
  type ModelsTestApp,
  modelsApp,
  modelsRegistry,
  msgResponses,
  PRICE,
  queryAdapter,
  queryAdaptersOfModel,
  queryModel,
  queryModels,
  registerAdapter,
  registerModel,
  sha,
  updatePrice,
} from "./helpers.js";

describe("models: register, adapt, price, deprecate", () => {
  let t: ModelsTestApp;
  let alice: Signer;
  let bob: Signer;

  before(async () => {
    [alice, bob] = await Promise.all([signer("alice"), signer("bob")]);
  });
  beforeEach(async () => {
    t = await modelsApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it("registers a model on datanet versions and answers the Model query with it", async () => {
    const datanets = [
      { datanetId: 1n, version: 2n },
      { datanetId: 2n, version: 1n },
    ];
    const res = await deliverOk(t, alice, registerModel(alice.address, { datanets }));
    const [any] = msgResponses(res);
    assert.equal(any?.typeUrl, "/openledger.models.v1.MsgRegisterModelResponse");
    assert.equal(MsgRegisterModelResponse.decode(any.value).modelId, 1n);
    assert.deepEqual(eventsOf(res.events, "model_registered"), [
      {
        model_id: "1",
        owner: alice.address,
        base_model_id: "0",
        artifact_sha256: toHex(sha("med-llama-8b.safetensors")),
      },
    ]);
    const message = eventsOf(res.events, "message").find((e) => e.module === "models");
    assert.deepEqual(message, {
      action: "/openledger.models.v1.MsgRegisterModel",
      sender: alice.address,
      module: "models",
    });
    const height = t.app.info().lastBlockHeight;
    assert.deepEqual(queryModel(t, 1n), {
      id: 1n,
      owner: alice.address,
      name: "med-llama-8b",
      baseModelId: 0n,
      datanets,
      artifactSha256: sha("med-llama-8b.safetensors"),
      artifactSize: 16_000_000_000n,
      format: "safetensors",
      attributionMethod: AttributionMethod.ATTRIBUTION_METHOD_SPAN,
      price: PRICE,
      deprecated: false,
      createdHeight: height,
    });
  });

  it("registers an adapter on a model and a model derived from it; ids count up per kind", async () => {
    await deliverOk(t, alice, registerModel(alice.address));
    const res = await deliverOk(
      t,
      bob,
      registerAdapter(bob.address),
      registerAdapter(bob.address, { adapterSha256: sha("second") }),
    );
    assert.deepEqual(
      msgResponses(res).map((a) => MsgRegisterAdapterResponse.decode(a.value).adapterId),
      [1n, 2n],
    );
    assert.deepEqual(eventsOf(res.events, "adapter_registered")[0], {
      adapter_id: "1",
      owner: bob.address,
      base_model_id: "1",
      adapter_sha256: toHex(sha("radiology-lora")),
      adapter_size: "0",
    });
    const adapter = queryAdapter(t, 1n);
    assert.equal(adapter.owner, bob.address);
    assert.equal(adapter.baseModelId, 1n);
    assert.equal(adapter.rank, 16);
    assert.deepEqual(adapter.targetLayers, ["q_proj", "v_proj"]);
    assert.deepEqual(adapter.datanets, [{ datanetId: 1n, version: 2n }]);
    assert.deepEqual(adapter.price, { perCall: "200", per1kOutputTokens: "10" });
    assert.deepEqual(ids(queryAdaptersOfModel(t, { modelId: 1n }).adapters), [1n, 2n]);

    const derived = await deliverOk(
      t,
      bob,
      registerModel(bob.address, {
        name: "med-llama-8b-merged",
        baseModelId: 1n,
        artifactSha256: sha("merged.gguf"),
        format: "gguf",
        attributionMethod: AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE,
      }),
    );
    assert.equal(MsgRegisterModelResponse.decode(msgResponses(derived)[0]!.value).modelId, 2n);
    assert.equal(queryModel(t, 2n).baseModelId, 1n);
  });

  it("the owner updates the price of a model and of an adapter", async () => {
    await deliverOk(t, alice, registerModel(alice.address));
    await deliverOk(t, bob, registerAdapter(bob.address));
    const price = { perCall: "0", per1kOutputTokens: "123456789012345678901234567890" };
    const res = await deliverOk(t, alice, updatePrice(alice.address, { modelId: 1n, price }));
    assert.deepEqual(eventsOf(res.events, "price_updated"), [
      {
        model_id: "1",
        owner: alice.address,
        price_per_call: "0",
        price_per_1k_output_tokens: "123456789012345678901234567890",
      },
    ]);
    assert.deepEqual(queryModel(t, 1n).price, price);
    const res2 = await deliverOk(t, bob, updatePrice(bob.address, { adapterId: 1n, price: PRICE }));
    assert.equal(eventsOf(res2.events, "price_updated")[0]?.adapter_id, "1");
    assert.deepEqual(queryAdapter(t, 1n).price, PRICE);
    assert.deepEqual(queryModel(t, 1n).price, price, "the model's price is its own");
  });

  it("deprecated models and adapters stay queryable and are marked", async () => {
    await deliverOk(t, alice, registerModel(alice.address));
    await deliverOk(t, bob, registerAdapter(bob.address));
    const ra = await deliverOk(t, bob, deprecateAdapter(bob.address, 1n));
    assert.deepEqual(eventsOf(ra.events, "adapter_deprecated"), [{ adapter_id: "1", owner: bob.address }]);
    const rm = await deliverOk(t, alice, deprecateModel(alice.address, 1n));
    assert.deepEqual(eventsOf(rm.events, "model_deprecated"), [{ model_id: "1", owner: alice.address }]);
    assert.equal(queryModel(t, 1n).deprecated, true);
    assert.equal(queryAdapter(t, 1n).deprecated, true);
    assert.deepEqual(ids(queryAdaptersOfModel(t, { modelId: 1n }).adapters), [1n]);
    assert.deepEqual(ids(queryModels(t).models), [1n]);
  });

  it("lists models by owner, by datanet, by both, page by page", async () => {
    const on = (datanetId: bigint, version = 1n) => [{ datanetId, version }];
    await deliverOk(
      t,
      alice,
      registerModel(alice.address, { artifactSha256: sha("m1"), datanets: on(1n) }),
      registerModel(alice.address, { artifactSha256: sha("m2"), datanets: on(2n) }),
      registerModel(alice.address, { artifactSha256: sha("m3"), datanets: [] }),
    );
    await deliverOk(
      t,
      bob,
      registerModel(bob.address, { artifactSha256: sha("m4"), datanets: [...on(1n), ...on(1n, 2n)] }),
      registerModel(bob.address, { artifactSha256: sha("m5"), datanets: [...on(2n), ...on(1n, 2n)] }),
    );
    assert.deepEqual(ids(queryModels(t).models), [1n, 2n, 3n, 4n, 5n]);
    assert.deepEqual(ids(queryModels(t, { owner: alice.address }).models), [1n, 2n, 3n]);
    assert.deepEqual(ids(queryModels(t, { owner: bob.address }).models), [4n, 5n]);
    assert.deepEqual(ids(queryModels(t, { datanetId: 1n }).models), [1n, 4n, 5n]);
    assert.deepEqual(ids(queryModels(t, { datanetId: 2n }).models), [2n, 5n]);
    assert.deepEqual(ids(queryModels(t, { datanetId: 9n }).models), []);
    assert.deepEqual(ids(queryModels(t, { owner: bob.address, datanetId: 2n }).models), [5n]);
    assert.deepEqual(ids(queryModels(t, { owner: alice.address, datanetId: 1n }).models), [1n]);

    // Pages of two over everything, and over one datanet.
    const seen: bigint[] = [];
    let key: Uint8Array = new Uint8Array(0);
    let pages = 0;
    do {
      const page = queryModels(t, { pagination: { key, limit: 2n } });
      seen.push(...ids(page.models));
      key = page.pagination?.nextKey ?? new Uint8Array(0);
      pages++;
    } while (key.length > 0);
    assert.deepEqual(seen, [1n, 2n, 3n, 4n, 5n]);
    assert.equal(pages, 3);
    const first = queryModels(t, { datanetId: 1n, pagination: { key: new Uint8Array(0), limit: 2n } });
    assert.deepEqual(ids(first.models), [1n, 4n]);
    const rest = queryModels(t, { datanetId: 1n, pagination: { key: first.pagination!.nextKey, limit: 2n } });
    assert.deepEqual(ids(rest.models), [5n]);
    assert.equal(rest.pagination?.nextKey.length, 0);
    const exact = queryModels(t, { owner: bob.address, pagination: { key: new Uint8Array(0), limit: 2n } });
    assert.equal(exact.pagination?.nextKey.length, 0, "a full last page has no next key");
  });

  it("queries of what does not exist, or with bad pagination, answer clear errors", async () => {
    await deliverOk(t, alice, registerModel(alice.address));
    const ask = (name: string, data: Uint8Array) =>
      t.app.query({ path: `/openledger.models.v1.Query/${name}`, data, prove: false });
    const cases: [string, Uint8Array, string, number, string][] = [
      [
        "Model",
        QueryModelRequest.encode({ modelId: 9n }).finish(),
        "models",
        11,
        "model 9 does not exist: model not found",
      ],
      [
        "Adapter",
        QueryAdapterRequest.encode({ adapterId: 1n }).finish(),
        "models",
        12,
        "adapter 1 does not exist: adapter not found",
      ],
      [
        "AdaptersOfModel",
        QueryAdaptersOfModelRequest.encode({ modelId: 2n, pagination: undefined }).finish(),
        "models",
        11,
        "model 2 does not exist: model not found",
      ],
      [
        "Models",
        QueryModelsRequest.encode({ owner: "open1bad", pagination: undefined }).finish(),
        "sdk",
        7,
        "invalid owner open1bad",
      ],
      [
        "Models",
        QueryModelsRequest.encode({ owner: "", pagination: { key: new Uint8Array(3), limit: 0n } }).finish(),
        "sdk",
        18,
        "pagination key must be empty or 8 bytes, got 3: invalid request",
      ],
      [
        "Models",
        QueryModelsRequest.encode({
          owner: "",
          pagination: { key: new Uint8Array(0), limit: 1001n },
        }).finish(),
        "sdk",
        18,
        "pagination limit 1001 is more than 1000: invalid request",
      ],
      ["Model", Uint8Array.of(0xff), "sdk", 18, "cannot decode query request"],
    ];
    for (const [name, data, codespace, code, log] of cases) {
      const res = ask(name, data);
      assert.equal(res.code, code, `${name}: ${res.log}`);
      assert.equal(res.codespace, codespace);
      assert.ok(res.log.startsWith(log), `${name}: ${res.log}`);
    }
  });

  it("the Params query answers the defaults", () => {
    const { params } = QueryParamsResponse.decode(
      queryOk(t.app, "/openledger.models.v1.Query/Params", new Uint8Array()),
    );
    assert.deepEqual(params, {
      allowedFormats: ["gguf", "onnx", "safetensors"],
      maxDatanetRefs: 64,
      maxTargetLayers: 256,
    });
  });

  it("the message types register into a cosmjs Registry and round-trip as Anys", () => {
    for (const [typeUrl] of MODELS_TYPES) assert.ok(modelsRegistry.lookupType(typeUrl), typeUrl);
    const msg = registerModel("open1xyz").value as MsgRegisterModel;
    const any = modelsRegistry.encodeAsAny({ typeUrl: "/openledger.models.v1.MsgRegisterModel", value: msg });
    assert.deepEqual(any.value, MsgRegisterModel.encode(msg).finish());
    assert.deepEqual(modelsRegistry.decode(any), msg);
    assert.ok(modelsRegistry.lookupType("/cosmos.bank.v1beta1.MsgSend"));
  });
});
