// LoRA adapters of the small classifiers (node/serving): the ONNX format round-trips byte for byte
// and refuses tampering, training is deterministic and fits its examples, the merged model (update
// computed by onnxruntime) changes predictions as trained, and the runtime's adapter cache loads on
// demand and evicts the least recently used.
import assert from "node:assert/strict";
import {
  adapterHash,
  exportAdapter,
  loadAdapter,
  mergeAdapter,
  mergedModel,
} from "../../node/attribution/influence/adapter.js";
import { trainAdapter } from "../../node/attribution/influence/adapter-train.js";
import type { TrainingExample } from "../../node/attribution/influence/dataset.js";
import { trainArtifact } from "../../node/attribution/influence/index.js";
import { ModelRuntime } from "../../node/serving/runtime.js";

const SPAM = ["win free cash now", "claim your free prize today", "cheap pills free offer click now"];
const HAM = [
  "meeting moved to thursday",
  "please review the quarterly report",
  "lunch with the design team at noon",
];
const examples = (spamLabel: string, hamLabel: string, first = 1n): TrainingExample[] => [
  ...SPAM.map((text, i) => ({ contributionId: first + BigInt(i), text, label: spamLabel })),
  ...HAM.map((text, i) => ({ contributionId: first + 3n + BigInt(i), text, label: hamLabel })),
];

describe("serving: LoRA adapters and the adapter cache", () => {
  const base = trainArtifact(examples("spam", "ham"), { features: { buckets: 64 } });
  // An adapter trained on flipped labels: it must turn the base's answers around.
  const flipped = trainAdapter(base.model, base.onnx, examples("ham", "spam", 7n), { rank: 2, epochs: 400 });
  const flippedOnnx = exportAdapter(flipped.adapter);
  const agreeing = exportAdapter(
    trainAdapter(base.model, base.onnx, examples("spam", "ham", 7n), { rank: 3 }).adapter,
  );
  const artifacts = new Map<string, Uint8Array>(
    [base.onnx, flippedOnnx, agreeing].map((b) => [Buffer.from(adapterHash(b)).toString("hex"), b]),
  );
  const load = async (sha: Uint8Array) => {
    const b = artifacts.get(Buffer.from(sha).toString("hex"));
    if (!b) throw new Error("unknown artifact");
    return b;
  };

  it("round-trips, is deterministic and refuses tampered bytes", () => {
    const again = exportAdapter(
      trainAdapter(base.model, base.onnx, examples("ham", "spam", 7n), { rank: 2, epochs: 400 }).adapter,
    );
    assert.deepEqual(again, flippedOnnx, "the same inputs give the same bytes");
    const loaded = loadAdapter(flippedOnnx);
    assert.equal(loaded.rank, 2);
    assert.deepEqual(loaded.classes, ["ham", "spam"]);
    assert.deepEqual(loaded.baseArtifactSha256, base.artifactSha256);
    assert.deepEqual(exportAdapter(loaded), flippedOnnx);
    assert.throws(() => loadAdapter(flippedOnnx.subarray(0, flippedOnnx.length - 10)));
    assert.throws(() => loadAdapter(base.onnx), /not an openledger adapter|unsupported adapter/);
    assert.ok(
      flipped.loss.after < flipped.loss.before,
      `loss ${flipped.loss.before} → ${flipped.loss.after}`,
    );
    assert.throws(
      () =>
        trainAdapter(base.model, base.onnx, [
          { contributionId: 1n, text: "x", label: "other" },
          { contributionId: 2n, text: "y", label: "spam" },
        ]),
      /not one of the base model's classes/,
    );
  });

  it("the merged update (onnxruntime) turns the base's predictions around as trained", async () => {
    const merged = await mergeAdapter(base.model, flippedOnnx);
    assert.equal(merged.length, base.model.params.length);
    // The validators' plain-JS merge agrees with onnxruntime's to float32 rounding.
    const exact = mergedModel(base.model, loadAdapter(flippedOnnx));
    assert.deepEqual(exact.trainingSetSha256, flipped.adapter.trainingSetSha256);
    for (let i = 0; i < merged.length; i++)
      assert.ok(Math.abs(merged[i]! - exact.params[i]!) < 1e-5, `param ${i}`);
    assert.deepEqual(mergedModel(base.model, loadAdapter(flippedOnnx)).params, exact.params, "deterministic");
    const runtime = new ModelRuntime({ loadArtifact: load });
    try {
      const text = "claim your free cash prize";
      assert.equal((await runtime.predict(base.artifactSha256, text)).label, "spam");
      const through = await runtime.predictWithAdapter(base.artifactSha256, adapterHash(flippedOnnx), text);
      assert.equal(through.label, "ham");
      const sum = Object.values(through.probabilities).reduce((s, p) => s + p, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5);
    } finally {
      await runtime.close();
    }
  });

  it("loads adapters on demand and evicts the least recently used", async () => {
    const runtime = new ModelRuntime({ loadArtifact: load, adapterCacheSize: 1 });
    const [a, b] = [adapterHash(flippedOnnx), adapterHash(agreeing)];
    try {
      await runtime.predictWithAdapter(base.artifactSha256, a, "free cash");
      await runtime.predictWithAdapter(base.artifactSha256, a, "free cash");
      await runtime.predictWithAdapter(base.artifactSha256, b, "free cash");
      await runtime.predictWithAdapter(base.artifactSha256, a, "free cash");
      assert.deepEqual(runtime.stats, { adapterLoads: 3, adapterHits: 1, adapterEvictions: 2 });
      assert.deepEqual(runtime.loadedAdapters(), [Buffer.from(a).toString("hex")]);
      await assert.rejects(
        runtime.predictWithAdapter(base.artifactSha256, new Uint8Array(32), "x"),
        /unknown artifact/,
      );
      assert.ok(!runtime.loadedAdapters().includes("00".repeat(32)), "a failed load is not cached");
      // Bytes that do not hash to the registered sha256 are refused.
      const tampered = Uint8Array.from(flippedOnnx);
      tampered[tampered.length >> 1]! ^= 0x01;
      const lying = new ModelRuntime({
        loadArtifact: async (sha) => (Buffer.from(sha).equals(Buffer.from(a)) ? tampered : load(sha)),
      });
      await assert.rejects(lying.predictWithAdapter(base.artifactSha256, a, "x"), /do not hash to it/);
      await lying.close();
    } finally {
      await runtime.close();
    }
  });
});
