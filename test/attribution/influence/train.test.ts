import assert from "node:assert/strict";
import {
  artifactHash,
  DEFAULT_FEATURES,
  exampleFromContribution,
  exportModel,
  featurize,
  labelFromMetadata,
  loadModel,
  type TrainingExample,
  trainArtifact,
  trainModel,
} from "../../../node/attribution/influence/index.js";
import { syntheticDataset } from "../../../node/attribution/influence/synthetic.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ex = (id: number, text: string, label: string): TrainingExample => ({
  contributionId: BigInt(id),
  text,
  label,
});

describe("attribution/influence: features and training", () => {
  const ds = syntheticDataset({ seed: 7, train: 60 });
  const opts = { features: { buckets: 64 } };

  it("hashes n-grams of UTF-8 bytes the same way everywhere (pinned vector)", () => {
    const spec = { ...DEFAULT_FEATURES, buckets: 64 };
    const v = featurize("Data, data: ATTRIBUTION! données", spec);
    // Tokens: data data attribution données (ASCII lowercased, bytes ≥ 0x80 kept) + 3 bigrams;
    // "data" twice in bucket 20; norm 3. Checked against an independent Python FNV-1a.
    assert.deepEqual([...v.index], [1, 12, 20, 21, 39, 47]);
    assert.deepEqual(
      [...v.value].map((x) => x.toFixed(6)),
      ["0.333333", "0.333333", "0.666667", "0.333333", "0.333333", "0.333333"],
    );
    assert.ok(
      v.value.every((x) => Math.fround(x) === x),
      "values are float32",
    );
    assert.deepEqual(featurize("DATA data", spec), featurize("data, DATA", spec));
    assert.deepEqual(featurize("", spec), { index: new Uint32Array(), value: new Float64Array() });
  });

  it("trains deterministically: same examples (any order), same bytes and artifact hash", () => {
    const a = trainArtifact(ds.train, opts);
    const b = trainArtifact([...ds.train].reverse(), opts);
    assert.ok(a.stats.converged, "L-BFGS converged");
    assert.deepEqual(b.onnx, a.onnx);
    assert.equal(hex(b.artifactSha256), hex(a.artifactSha256));
    assert.equal(hex(artifactHash(a.onnx)), hex(a.artifactSha256));
    // A different λ or one more example gives another model.
    assert.notEqual(hex(trainArtifact(ds.train, { ...opts, l2: 0.5 }).artifactSha256), hex(a.artifactSha256));
    const more = [...ds.train, ex(1000, "one more text", ds.train[0]!.label)];
    assert.notEqual(hex(trainArtifact(more, opts).artifactSha256), hex(a.artifactSha256));
  });

  it("fits the data: training accuracy well above chance", () => {
    const { model } = trainModel(ds.train, opts);
    const C = model.classes.length;
    const D = model.features.buckets;
    let right = 0;
    for (const e of ds.train) {
      const x = featurize(e.text, model.features);
      const z = model.classes.map((_, c) => {
        let s = model.params[D * C + c]!;
        x.index.forEach((d, j) => {
          s += x.value[j]! * model.params[d * C + c]!;
        });
        return s;
      });
      if (model.classes[z.indexOf(Math.max(...z))] === e.label) right++;
    }
    assert.ok(right / ds.train.length > 0.8, `training accuracy ${right}/${ds.train.length}`);
  });

  it("exports to ONNX and loads back exactly; refuses foreign or non-canonical bytes", () => {
    const { model } = trainModel(ds.train, opts);
    const onnx = exportModel(model);
    const back = loadModel(onnx);
    assert.deepEqual(back, model);
    // An extra (unknown, empty) field 20: decodes, but is not the canonical encoding.
    assert.throws(
      () => loadModel(Uint8Array.of(...onnx, 0xa2, 0x01, 0x00)),
      /not a canonical openledger model/,
    );
    // A flipped weight bit is another valid model (another artifact hash).
    const other = Buffer.from(onnx);
    const k = model.params.findIndex((v) => v !== 0);
    const at = other.indexOf(Buffer.from(model.params.buffer, model.params.byteOffset + 4 * k, 4));
    other[at]! ^= 1;
    assert.notEqual(loadModel(other).params[k], model.params[k]);
    // Metadata that does not parse is refused.
    const badMeta = Buffer.from(onnx);
    badMeta[badMeta.indexOf('["class-')] = 0x7b;
    assert.throws(() => loadModel(badMeta), /not a valid openledger model/);
    assert.throws(() => loadModel(new Uint8Array([0x08, 0x08])), /not an openledger model/);
  });

  it("takes the label from the contribution metadata JSON", () => {
    assert.equal(labelFromMetadata('{"label":"spam","lang":"en"}'), "spam");
    assert.deepEqual(
      exampleFromContribution({ id: 7n, metadata: '{"label":"ham"}' }, "hello"),
      ex(7, "hello", "ham"),
    );
    assert.throws(() => labelFromMetadata("", 3n), /contribution 3: metadata is not JSON/);
    assert.throws(
      () => labelFromMetadata('{"lang":"en"}', 3n),
      /contribution 3: metadata has no "label" field/,
    );
    assert.throws(() => labelFromMetadata('["label"]'), /has no "label" field/);
    assert.throws(() => labelFromMetadata('{"label":5}'), /label must be a string/);
    assert.throws(() => labelFromMetadata('{"label":""}'), /label must be 1-64 bytes/);
    assert.throws(() => labelFromMetadata('{"label":"a\\nb"}'), /control character/);
  });

  it("refuses bad training sets with clear errors", () => {
    assert.throws(() => trainModel([]), /no training examples/);
    assert.throws(
      () => trainModel([ex(1, "a", "x"), ex(2, "b", "x")]),
      /at least two distinct labels, got 1 \(x\)/,
    );
    assert.throws(() => trainModel([ex(1, "a", "x"), ex(1, "b", "y")]), /contribution 1 appears twice/);
    assert.throws(() => trainModel([ex(0, "a", "x"), ex(2, "b", "y")]), /contribution id must be a u64 ≥ 1/);
    const long = "word ".repeat(20);
    assert.throws(
      () => trainModel([ex(1, long, "x"), ex(2, "b", "y")], { features: { maxTextBytes: 64 } }),
      /contribution 1: text is over 64 bytes/,
    );
    assert.throws(
      () => trainModel([ex(1, "é".repeat(40), "x"), ex(2, "b", "y")], { features: { maxTextBytes: 64 } }),
      /contribution 1: text is 80 bytes, over the cap of 64/,
    );
    assert.throws(
      () => trainModel([ex(1, "a", "x"), ex(2, "b", "y")], { l2: 0 }),
      /l2 must be a positive number/,
    );
    assert.throws(
      () => trainModel([ex(1, "a", "x"), ex(2, "b", "y")], { features: { buckets: 1 } }),
      /buckets/,
    );
  });
});
