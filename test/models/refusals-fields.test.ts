import { toHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { AttributionMethod } from "../../proto/gen/openledger/models/v1/types.js";
import { type Signer, signer } from "../app/helpers.js";
import {
  deprecateAdapter,
  deprecateModel,
  type ModelsTestApp,
  modelsApp,
  registerAdapter,
  registerModel,
  sha,
  updatePrice,
} from "./helpers.js";
import { refused as refusedIn } from "./refused.js";

const _MODEL_HASH = toHex(sha("med-llama-8b.safetensors"));
const _ADAPTER_HASH = toHex(sha("radiology-lora"));

describe("models: txs refused on their fields change nothing", () => {
  let t: ModelsTestApp;
  let alice: Signer;
  let _bob: Signer;
  const refused = (...args: Parameters<typeof refusedIn> extends [unknown, ...infer R] ? R : never) =>
    refusedIn(t, ...args);

  before(async () => {
    [alice, _bob] = await Promise.all([signer("alice"), signer("bob")]);
  });
  beforeEach(async () => {
    t = await modelsApp();
  });
  afterEach(async () => {
    await t.close();
  });

  describe("fields", () => {
    const model = (o: Parameters<typeof registerModel>[1]) => (owner: string) => [
      registerModel(owner, { artifactSha256: sha("x"), ...o }),
    ];
    const adapter = (o: Parameters<typeof registerAdapter>[1]) => (owner: string) => [
      registerAdapter(owner, { adapterSha256: sha("x"), ...o }),
    ];

    const cases: [string, (owner: string) => EncodeObject[], number, string | RegExp][] = [
      ["an empty name", model({ name: "" }), 2, "name is empty: invalid model name"],
      [
        "a 129-character name",
        model({ name: "n".repeat(129) }),
        2,
        "name has 129 characters, more than 128: invalid model name",
      ],
      [
        "a name with a newline",
        model({ name: "a\nb" }),
        2,
        /^name "a\\nb" has control characters or surrounding spaces: invalid model name$/,
      ],
      [
        "a 31-byte artifact hash",
        model({ artifactSha256: new Uint8Array(31) }),
        3,
        "artifact_sha256 must be 32 bytes, got 31: invalid artifact",
      ],
      [
        "an empty artifact hash",
        model({ artifactSha256: new Uint8Array(0) }),
        3,
        "artifact_sha256 must be 32 bytes, got 0: invalid artifact",
      ],
      [
        "a zero artifact size",
        model({ artifactSize: 0n }),
        3,
        "artifact_size must be positive: invalid artifact",
      ],
      [
        "a format that is not a format name",
        model({ format: "ONNX" }),
        4,
        'format "ONNX" is not a format name: unsupported artifact format',
      ],
      [
        "no attribution method",
        model({ attributionMethod: AttributionMethod.ATTRIBUTION_METHOD_UNSPECIFIED }),
        5,
        /^attribution_method 0 is neither .*: invalid attribution method$/,
      ],
      [
        "an unknown attribution method",
        model({ attributionMethod: 7 as AttributionMethod }),
        5,
        /^attribution_method 7 is neither/,
      ],
      ["no price", model({ price: undefined }), 6, "price is required: invalid price"],
      [
        "a negative price",
        model({ price: { perCall: "-1", per1kOutputTokens: "0" } }),
        6,
        'price.per_call "-1" is not an unsigned integer: invalid price',
      ],
      [
        "a price with a leading zero",
        model({ price: { perCall: "1", per1kOutputTokens: "01" } }),
        6,
        'price.per_1k_output_tokens "01" is not an unsigned integer: invalid price',
      ],
      [
        "a decimal price",
        model({ price: { perCall: "1.5", per1kOutputTokens: "0" } }),
        6,
        'price.per_call "1.5" is not an unsigned integer: invalid price',
      ],
      [
        "a datanet version named twice",
        model({
          datanets: [
            { datanetId: 1n, version: 1n },
            { datanetId: 1n, version: 1n },
          ],
        }),
        7,
        "datanet 1 version 1 is named twice: invalid datanet references",
      ],
      [
        "a bad owner address",
        () => [registerModel("open1notanaddress", { artifactSha256: sha("x") })],
        7,
        /^invalid owner open1notanaddress: .*: invalid address$/,
      ],
      ["an adapter of rank 0", adapter({ rank: 0 }), 8, "rank 0 is not between 1 and 1024: invalid adapter"],
      [
        "an adapter of rank 1025",
        adapter({ rank: 1025 }),
        8,
        "rank 1025 is not between 1 and 1024: invalid adapter",
      ],
      [
        "an adapter with no target layers",
        adapter({ targetLayers: [] }),
        8,
        "target_layers is empty: invalid adapter",
      ],
      [
        "an adapter naming a layer twice",
        adapter({ targetLayers: ["q_proj", "q_proj"] }),
        8,
        "target layer q_proj is named twice: invalid adapter",
      ],
      [
        "an adapter with a bad layer name",
        adapter({ targetLayers: ["q proj"] }),
        8,
        'target layer "q proj" is not a layer name: invalid adapter',
      ],
      [
        "an adapter trained on no datanet",
        adapter({ datanets: [] }),
        7,
        "at least one datanet version is required: invalid datanet references",
      ],
      [
        "an adapter without a base model",
        adapter({ baseModelId: 0n }),
        9,
        "base_model_id must be positive: invalid id",
      ],
      [
        "an adapter with a 33-byte hash",
        adapter({ adapterSha256: new Uint8Array(33) }),
        3,
        "adapter_sha256 must be 32 bytes, got 33: invalid artifact",
      ],
      [
        "a price update naming both a model and an adapter",
        (o) => [
          updatePrice(o, { modelId: 1n, adapterId: 1n, price: { perCall: "1", per1kOutputTokens: "1" } }),
        ],
        9,
        "exactly one of model_id and adapter_id must be set: invalid id",
      ],
      [
        "a price update naming neither",
        (o) => [updatePrice(o, { price: { perCall: "1", per1kOutputTokens: "1" } })],
        9,
        "exactly one of model_id and adapter_id must be set: invalid id",
      ],
      ["deprecating model 0", (o) => [deprecateModel(o, 0n)], 9, "model_id must be positive: invalid id"],
      [
        "deprecating adapter 0",
        (o) => [deprecateAdapter(o, 0n)],
        9,
        "adapter_id must be positive: invalid id",
      ],
    ];
    for (const [name, msgs, code, log] of cases) {
      it(name, async () => {
        const codespace = name.includes("address") ? "sdk" : "models";
        await refused(alice, msgs(alice.address), code, log, "fields", codespace);
      });
    }
  });
});
