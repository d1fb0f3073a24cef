// models genesis given by hand: models and adapters are served, and bad models app_state is refused
// with a clear error before anything is written.
import assert from "node:assert/strict";
import { fromBech32, toBech32, toHex } from "@cosmjs/encoding";
import { AttributionMethod } from "../../proto/gen/openledger/models/v1/types.js";
import { CHAIN_ID, devAddress } from "../app/helpers.js";
import {
  datanetsAppState,
  ids,
  type ModelsTestApp,
  newModelsApp,
  queryAdaptersOfModel,
  queryModel,
  sha,
} from "./helpers.js";

const OWNER = devAddress("carol");

/** One model and one adapter of it, in genesis JSON. */
function sample(): {
  models: Record<string, unknown>[];
  adapters: Record<string, unknown>[];
  [k: string]: unknown;
} {
  return {
    models: [
      {
        id: "1",
        owner: OWNER,
        name: "base",
        datanets: [{ datanet_id: "1", version: "2" }],
        artifact_sha256: toHex(sha("base")),
        artifact_size: "1000",
        format: "onnx",
        attribution_method: "ATTRIBUTION_METHOD_INFLUENCE",
        price: { per_call: "5", per_1k_output_tokens: "0" },
      },
    ],
    adapters: [
      {
        id: "4",
        owner: OWNER,
        base_model_id: "1",
        adapter_sha256: toHex(sha("lora")),
        rank: 8,
        target_layers: ["q_proj"],
        datanets: [{ datanet_id: "2", version: "1" }],
        price: { per_call: "1", per_1k_output_tokens: "1" },
        deprecated: true,
      },
    ],
  };
}

describe("models genesis import", () => {
  const open: ModelsTestApp[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });

  let base: Awaited<ReturnType<typeof datanetsAppState>>;
  before(async () => {
    base = await datanetsAppState();
  });

  /** initChain of a fresh app with the datanets state and this models genesis. */
  async function importModels(models: unknown): Promise<ModelsTestApp> {
    const t = await newModelsApp();
    open.push(t);
    const appState = { ...structuredClone(base.appState), models };
    await t.app.initChain({
      chainId: CHAIN_ID,
      timeNs: 0n,
      initialHeight: base.height + 1n,
      appState,
      validators: [],
    });
    return t;
  }

  it("models and adapters given in genesis are served, with defaults for what is left out", async () => {
    const t = await importModels(sample());
    const model = queryModel(t, 1n);
    assert.equal(model.attributionMethod, AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE);
    assert.equal(model.baseModelId, 0n);
    assert.equal(model.deprecated, false);
    assert.deepEqual(ids(queryAdaptersOfModel(t, { modelId: 1n }).adapters), [4n]);
    const exported = t.app.exportGenesis().models as Record<string, unknown>;
    assert.equal(exported.next_model_id, "2");
    assert.equal(exported.next_adapter_id, "5");
    assert.deepEqual(exported.params, {
      allowed_formats: ["gguf", "onnx", "safetensors"],
      max_datanet_refs: 64,
      max_target_layers: 256,
    });
  });

  describe("bad models app_state is refused and nothing is written", () => {
    type Edit = (g: ReturnType<typeof sample>) => void;
    const cases: [string, Edit, RegExp][] = [
      [
        "a datanet version that does not exist",
        (g) => {
          g.models[0]!.datanets = [{ datanet_id: "1", version: "9" }];
        },
        /^models\.models \(id 1\): datanet 1 has no version 9: datanet version not found$/,
      ],
      [
        "an adapter on a datanet that does not exist",
        (g) => {
          g.adapters[0]!.datanets = [{ datanet_id: "5", version: "1" }];
        },
        /^models\.adapters \(id 4\): datanet 5 does not exist/,
      ],
      [
        "a duplicate model id",
        (g) => {
          g.models.push({ ...g.models[0]!, artifact_sha256: toHex(sha("other")) });
        },
        /^models\.models: duplicate id 1$/,
      ],
      [
        "an artifact hash used twice",
        (g) => {
          g.adapters[0]!.adapter_sha256 = toHex(sha("base"));
        },
        /^adapter 4: sha256 [0-9a-f]{64} is already registered by model 1$/,
      ],
      [
        "a base model that is not an earlier model",
        (g) => {
          g.models[0]!.base_model_id = "1";
        },
        /^models\.models: model 1 has base model 1, not an earlier model$/,
      ],
      [
        "an adapter on a model that does not exist",
        (g) => {
          g.adapters[0]!.base_model_id = "2";
        },
        /^models\.adapters: adapter 4 has base model 2, which does not exist$/,
      ],
      [
        "a hash that is not 64 lower-case hex characters",
        (g) => {
          g.models[0]!.artifact_sha256 = toHex(sha("base")).toUpperCase();
        },
        /^models\.models\[0\]\.artifact_sha256 must be 64 lower-case hex characters/,
      ],
      [
        "an attribution method that is not an enum name",
        (g) => {
          g.models[0]!.attribution_method = "span";
        },
        /^models\.models\[0\]\.attribution_method must be an enum name, got "span"$/,
      ],
      [
        "an unspecified attribution method",
        (g) => {
          g.models[0]!.attribution_method = "ATTRIBUTION_METHOD_UNSPECIFIED";
        },
        /^models\.models\[0\]\.attribution_method: attribution_method 0 is neither/,
      ],
      [
        "a rank out of range",
        (g) => {
          g.adapters[0]!.rank = 2048;
        },
        /^models\.adapters\[0\]\.rank: rank 2048 is not between 1 and 1024: invalid adapter$/,
      ],
      [
        "a bad owner",
        (g) => {
          g.models[0]!.owner = toBech32("cosmos", fromBech32(OWNER, 1023).data);
        },
        /^models\.models\[0\]\.owner: invalid owner cosmos1\S+: .*invalid address$/,
      ],
      [
        "a bad price",
        (g) => {
          g.models[0]!.price = { per_call: "1e3", per_1k_output_tokens: "0" };
        },
        /^models\.models\[0\]\.price: price\.per_call "1e3" is not an unsigned integer: invalid price$/,
      ],
      [
        "an id of 0",
        (g) => {
          g.models[0]!.id = "0";
        },
        /^models\.models\[0\]\.id: id must be positive: invalid id$/,
      ],
      [
        "a next id not above every id",
        (g) => {
          g.next_adapter_id = "4";
        },
        /^models\.next_adapter_id 4 must be greater than every id \(largest 4\)$/,
      ],
      [
        "an id beyond 64 bits",
        (g) => {
          g.models[0]!.id = "18446744073709551616";
        },
        /^models\.models\[0\]\.id must be an unsigned 64-bit integer/,
      ],
      [
        "no allowed formats",
        (g) => {
          g.params = { allowed_formats: [] };
        },
        /^models\.params\.allowed_formats must not be empty$/,
      ],
      [
        "a format named twice",
        (g) => {
          g.params = { allowed_formats: ["onnx", "onnx"] };
        },
        /^models\.params\.allowed_formats: onnx is named twice$/,
      ],
      [
        "a zero limit",
        (g) => {
          g.params = { max_target_layers: 0 };
        },
        /^models\.params\.max_target_layers must be positive$/,
      ],
      [
        "models that are not an array",
        (g) => {
          (g as Record<string, unknown>).models = {};
        },
        /^models\.models must be an array$/,
      ],
    ];
    for (const [name, edit, message] of cases) {
      it(name, async () => {
        const g = sample();
        edit(g);
        await assert.rejects(importModels(g), (err: Error) => {
          assert.match(err.message, message);
          return true;
        });
        const t = open[open.length - 1]!;
        assert.equal(t.app.info().lastBlockAppHash.length, 0, "no state was committed");
      });
    }
  });
});
