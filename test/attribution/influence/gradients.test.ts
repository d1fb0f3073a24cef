import assert from "node:assert/strict";
import { densify, featurize } from "../../../node/attribution/influence/features.js";
import { gradientGraph, NAMES, oneHot, scoringGraph } from "../../../node/attribution/influence/graphs.js";
import { trainModel } from "../../../node/attribution/influence/index.js";
import { syntheticDataset } from "../../../node/attribution/influence/synthetic.js";
import { exampleLoss } from "../../../node/attribution/influence/train.js";
import { projectionMatrix } from "../../../node/attribution/influence/training-features.js";
import { floatTensor, openSession, runFloat } from "../../../node/attribution/onnx/runtime.js";
import { encodeModel, type OnnxGraph } from "../../../node/attribution/onnx/writer.js";

const bytes = (graph: OnnxGraph) => encodeModel({ producerName: "test", producerVersion: "1", graph });

describe("attribution/influence: ONNX gradient graph", () => {
  const ds = syntheticDataset({ seed: 3, train: 40, test: 8 });
  const { model } = trainModel(ds.train, { features: { buckets: 32 } });
  const D = model.features.buckets;
  const C = model.classes.length;
  const P = (D + 1) * C;
  const weights = { buckets: D, classes: C, params: model.params };
  const xs = ds.test.map((t) => featurize(t.text, model.features));
  const labels = Int32Array.from(ds.test, (t) => model.classes.indexOf(t.label));

  /** Plain-JS reference: p and (p − y) ⊗ [x; 1] in float64. */
  const reference = xs.map((x, i) => {
    const p = new Float64Array(C);
    exampleLoss(model.params, x, labels[i]!, D, p);
    const g = new Float64Array(P);
    for (let c = 0; c < C; c++) {
      const r = p[c]! - (c === labels[i] ? 1 : 0);
      x.index.forEach((d, j) => {
        g[d * C + c] = x.value[j]! * r;
      });
      g[D * C + c] = r;
    }
    return { p, g };
  });

  const feeds = () => ({
    [NAMES.features]: floatTensor(densify(xs, D), [xs.length, D]),
    [NAMES.targets]: floatTensor(oneHot(labels, C), [xs.length, C]),
  });

  it("emits per-example probabilities and last-layer gradients equal to the JS reference", async () => {
    const { session } = await openSession(bytes(gradientGraph(weights)), { provider: "cpu" });
    const [probs, grads] = await runFloat(session, feeds(), [NAMES.probabilities, NAMES.gradients]);
    assert.equal(grads!.length, xs.length * P);
    let worst = 0;
    reference.forEach(({ p, g }, i) => {
      p.forEach((v, c) => {
        worst = Math.max(worst, Math.abs(probs![i * C + c]! - v));
      });
      g.forEach((v, k) => {
        worst = Math.max(worst, Math.abs(grads![i * P + k]! - v));
      });
    });
    assert.ok(worst < 1e-6, `largest difference ${worst}`);
    // Σ of each example's residuals is 0: the bias gradient columns sum to zero.
    for (let i = 0; i < xs.length; i++) {
      const s = [...grads!.subarray(i * P + D * C, (i + 1) * P)].reduce((a, v) => a + v, 0);
      assert.ok(Math.abs(s) < 1e-6);
    }
    await session.release();
  });

  it("projects gradients with the seeded matrix (TRAK) and scores against training features", async () => {
    const k = 16;
    const proj = projectionMatrix(P, k, 9);
    assert.deepEqual(projectionMatrix(P, k, 9), proj, "same seed, same matrix");
    assert.ok(proj.every((v) => Math.abs(Math.abs(v) - 1 / Math.sqrt(k)) < 1e-7));
    const projected = await openSession(bytes(gradientGraph(weights, { k, data: proj })), {
      provider: "cpu",
    });
    const [phi] = await runFloat(projected.session, feeds(), [NAMES.gradients]);
    reference.forEach(({ g }, i) => {
      for (let a = 0; a < k; a++) {
        let s = 0;
        for (let q = 0; q < P; q++) s += g[q]! * proj[q * k + a]!;
        assert.ok(Math.abs(phi![i * k + a]! - s) < 1e-5, `phi[${i},${a}]`);
      }
    });
    // Scoring: gradients · train_features, for a random [P, n] matrix.
    const n = 5;
    const train = Float32Array.from({ length: P * n }, (_, q) => ((q * 7919) % 13) / 13 - 0.5);
    const scoring = await openSession(bytes(scoringGraph(weights)), { provider: "cpu" });
    const [scores] = await runFloat(
      scoring.session,
      { ...feeds(), [NAMES.trainFeatures]: floatTensor(train, [P, n]) },
      [NAMES.scores],
    );
    reference.forEach(({ g }, i) => {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < P; q++) s += g[q]! * train[q * n + j]!;
        assert.ok(Math.abs(scores![i * n + j]! - s) < 1e-5, `score[${i},${j}]`);
      }
    });
    await projected.session.release();
    await scoring.session.release();
  });
});
