// Models txs refused on the state they meet (datanets, base model, owner, deprecation, artifact
// hash, params): the same error in checkTx and in a block; the fee and sequence are taken as in the
// SDK, but the models store does not move. Model 1 (alice) with adapter 1 (bob); model 2 deprecated.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import { type Signer, signer } from "../app/helpers.js";
import {
  deliverOk,
  deprecateAdapter,
  deprecateModel,
  type ModelsTestApp,
  modelsApp,
  queryModels,
  registerAdapter,
  registerModel,
  sha,
  updatePrice,
} from "./helpers.js";
import { fixture, refused as refusedIn } from "./refused.js";

const MODEL_HASH = toHex(sha("med-llama-8b.safetensors"));
const ADAPTER_HASH = toHex(sha("radiology-lora"));

describe("models: txs refused on state change nothing", () => {
  let t: ModelsTestApp;
  let alice: Signer;
  let bob: Signer;
  const refused = (...args: Parameters<typeof refusedIn> extends [unknown, ...infer R] ? R : never) =>
    refusedIn(t, ...args);

  before(async () => {
    [alice, bob] = await Promise.all([signer("alice"), signer("bob")]);
  });
  beforeEach(async () => {
    t = await modelsApp();
    await fixture(t, alice, bob);
  });
  afterEach(async () => {
    await t.close();
  });

  describe("state", () => {
    it("a model on a datanet or a datanet version that does not exist", async () => {
      const on = (datanetId: bigint, version: bigint) => [
        registerModel(alice.address, { artifactSha256: sha("x"), datanets: [{ datanetId, version }] }),
      ];
      await refused(alice, on(7n, 1n), 10, "datanet 7 does not exist: datanet version not found", "state");
      await refused(alice, on(1n, 3n), 10, "datanet 1 has no version 3: datanet version not found", "state");
      await refused(
        bob,
        [
          registerAdapter(bob.address, {
            adapterSha256: sha("x"),
            datanets: [{ datanetId: 2n, version: 2n }],
          }),
        ],
        10,
        "datanet 2 has no version 2: datanet version not found",
        "state",
      );
    });

    it("an adapter on an unknown or deprecated model; a model on a deprecated base", async () => {
      const adapter = (baseModelId: bigint) => [
        registerAdapter(bob.address, { baseModelId, adapterSha256: sha("x") }),
      ];
      await refused(bob, adapter(9n), 11, "base model 9 does not exist: model not found", "state");
      await refused(bob, adapter(2n), 13, "base model 2 is deprecated: deprecated", "state");
      const derived = [registerModel(bob.address, { baseModelId: 2n, artifactSha256: sha("x") })];
      await refused(bob, derived, 13, "base model 2 is deprecated: deprecated", "state");
    });

    it("a price update or deprecation by someone who is not the owner", async () => {
      const price = { perCall: "1", per1kOutputTokens: "1" };
      const notOwner = (who: string, what: string) => `${who} is not the owner of ${what}: not the owner`;
      await refused(
        bob,
        [updatePrice(bob.address, { modelId: 1n, price })],
        14,
        notOwner(bob.address, "model 1"),
        "state",
      );
      await refused(
        alice,
        [updatePrice(alice.address, { adapterId: 1n, price })],
        14,
        notOwner(alice.address, "adapter 1"),
        "state",
      );
      await refused(bob, [deprecateModel(bob.address, 1n)], 14, notOwner(bob.address, "model 1"), "state");
      await refused(
        alice,
        [deprecateAdapter(alice.address, 1n)],
        14,
        notOwner(alice.address, "adapter 1"),
        "state",
      );
    });

    it("a price update on something deprecated or unknown; deprecating twice", async () => {
      const price = { perCall: "1", per1kOutputTokens: "1" };
      await refused(
        alice,
        [updatePrice(alice.address, { modelId: 2n, price })],
        13,
        "model 2 is deprecated: deprecated",
        "state",
      );
      await refused(
        alice,
        [updatePrice(alice.address, { modelId: 9n, price })],
        11,
        "model 9 does not exist: model not found",
        "state",
      );
      await refused(
        bob,
        [updatePrice(bob.address, { adapterId: 9n, price })],
        12,
        "adapter 9 does not exist: adapter not found",
        "state",
      );
      await refused(
        alice,
        [deprecateModel(alice.address, 2n)],
        13,
        "model 2 is already deprecated: deprecated",
        "state",
      );
      await refused(
        bob,
        [deprecateAdapter(bob.address, 5n)],
        12,
        "adapter 5 does not exist: adapter not found",
        "state",
      );
    });

    it("an artifact hash already registered, by a model or an adapter (one entry per hash)", async () => {
      const taken = (what: string, hash: string, by: string) =>
        `${what} sha256 ${hash} is already registered as ${by}: artifact already registered`;
      await refused(
        bob,
        [registerModel(bob.address, { name: "copy" })],
        15,
        taken("artifact", MODEL_HASH, "model 1"),
        "state",
      );
      await refused(
        bob,
        [registerModel(bob.address, { artifactSha256: sha("radiology-lora") })],
        15,
        taken("artifact", ADAPTER_HASH, "adapter 1"),
        "state",
      );
      await refused(
        bob,
        [registerAdapter(bob.address, { adapterSha256: sha("med-llama-8b.safetensors") })],
        15,
        taken("adapter", MODEL_HASH, "model 1"),
        "state",
      );
      await refused(
        bob,
        [registerAdapter(bob.address)],
        15,
        taken("adapter", ADAPTER_HASH, "adapter 1"),
        "state",
      );
      const old = toHex(sha("old"));
      await refused(
        bob,
        [registerModel(bob.address, { artifactSha256: sha("old") })],
        15,
        taken("artifact", old, "model 2"),
        "state",
      );
    });

    it("a format not in the allow-list, more datanets or layers than the params allow", async () => {
      await refused(
        alice,
        [registerModel(alice.address, { artifactSha256: sha("x"), format: "pt" })],
        4,
        'format "pt" is not one of gguf, onnx, safetensors: unsupported artifact format',
        "state",
      );
      const refs = Array.from({ length: 65 }, (_, i) => ({ datanetId: 1n, version: BigInt(i + 1) }));
      await refused(
        alice,
        [registerModel(alice.address, { artifactSha256: sha("x"), datanets: refs })],
        7,
        "65 datanet versions, more than the maximum 64: invalid datanet references",
        "state",
      );
      const layers = Array.from({ length: 257 }, (_, i) => `layers.${i}.q_proj`);
      await refused(
        bob,
        [registerAdapter(bob.address, { adapterSha256: sha("x"), targetLayers: layers })],
        8,
        "257 target layers, more than the maximum 256: invalid adapter",
        "state",
      );
    });

    it("one bad message refuses the whole tx: the good one before it is not kept", async () => {
      const msgs = [
        registerModel(alice.address, { artifactSha256: sha("good") }),
        registerAdapter(alice.address, { baseModelId: 9n, adapterSha256: sha("y") }),
      ];
      await refused(alice, msgs, 11, "base model 9 does not exist: model not found", "state");
      assert.deepEqual(
        queryModels(t).models.map((m) => m.id),
        [1n, 2n],
      );
      const next = await deliverOk(t, alice, registerModel(alice.address, { artifactSha256: sha("good") }));
      assert.ok(
        next.events.some(
          (e) =>
            e.type === "model_registered" &&
            e.attributes.some((a) => a.key === "model_id" && a.value === "3"),
        ),
        "the id was not used up",
      );
    });
  });
});
