// Fits a LoRA adapter to a datanet version's labelled examples with the base model frozen: full-batch
// gradient descent on the mean log loss of softmax(x·(W + s·A·B) + b), plus L2 on A and B.
// B starts at zero (the adapter starts as the base), A from a seeded generator, so the same
// inputs give the same bytes. Only the base's classes can be learnt: other labels are refused.

import { type LoraAdapter, MAX_RANK } from "./adapter.js";
import { compareUtf8, prepareExamples, type TrainingExample, trainingSetDigest } from "./dataset.js";
import { featurize, type SparseVector } from "./features.js";
import { artifactHash, type SoftmaxModel } from "./model.js";

export interface AdapterTrainOptions {
  rank?: number;
  alpha?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  seed?: number;
}

export const DEFAULT_ADAPTER_TRAIN: Required<AdapterTrainOptions> = {
  rank: 4,
  alpha: 8,
  epochs: 300,
  learningRate: 2,
  l2: 1e-4,
  seed: 1,
};

/** mulberry32: a small seeded generator (the adapter's bytes must not depend on Math.random). */
function generator(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

export function trainAdapter(
  base: SoftmaxModel,
  baseOnnx: Uint8Array,
  examples: readonly TrainingExample[],
  options: AdapterTrainOptions = {},
): { adapter: LoraAdapter; loss: { before: number; after: number } } {
  const o = { ...DEFAULT_ADAPTER_TRAIN, ...options };
  if (!Number.isInteger(o.rank) || o.rank < 1 || o.rank > MAX_RANK)
    throw new Error(`rank must be 1..${MAX_RANK}`);
  // The checks (and order) of a model's training set, so validators rebuild the same digest.
  const { examples: sorted } = prepareExamples(examples, base.features);
  const D = base.features.buckets;
  const C = base.classes.length;
  const ys = sorted.map((e) => {
    const y = base.classes.indexOf(e.label);
    if (y < 0)
      throw new Error(
        `contribution ${e.contributionId}: label "${e.label}" is not one of the base model's classes (${base.classes.join(", ")})`,
      );
    return y;
  });
  const xs: SparseVector[] = sorted.map((e) =>
    featurize(e.text, base.features, `contribution ${e.contributionId}`),
  );
  const s = o.alpha / o.rank;
  const random = generator(o.seed);
  const A = new Float64Array(D * o.rank).map(() => (random() - 0.5) * 0.02);
  const B = new Float64Array(o.rank * C);
  const W = Float64Array.from(base.params.subarray(0, D * C));
  const bias = base.params.subarray(D * C);
  const n = xs.length;

  /** Mean loss and G = Xᵀ(P − Y) / n (sparse rows of X) for the merged weights. */
  const lossAndGradient = (): { loss: number; G: Float64Array } => {
    const merged = Float64Array.from(W);
    for (let i = 0; i < D; i++)
      for (let k = 0; k < o.rank; k++) {
        const a = A[i * o.rank + k]! * s;
        if (a !== 0) for (let c = 0; c < C; c++) merged[i * C + c]! += a * B[k * C + c]!;
      }
    const G = new Float64Array(D * C);
    let loss = 0;
    const z = new Float64Array(C);
    xs.forEach((x, r) => {
      for (let c = 0; c < C; c++) z[c] = bias[c]!;
      for (let j = 0; j < x.index.length; j++)
        for (let c = 0; c < C; c++) z[c]! += x.value[j]! * merged[x.index[j]! * C + c]!;
      const max = Math.max(...z);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(z[c]! - max);
      loss += -(z[ys[r]!]! - max - Math.log(sum)) / n;
      for (let c = 0; c < C; c++) {
        const g = (Math.exp(z[c]! - max) / sum - (c === ys[r] ? 1 : 0)) / n;
        for (let j = 0; j < x.index.length; j++) G[x.index[j]! * C + c]! += x.value[j]! * g;
      }
    });
    return { loss, G };
  };

  const before = lossAndGradient().loss;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const { G } = lossAndGradient();
    const gA = new Float64Array(A.length);
    const gB = new Float64Array(B.length);
    for (let i = 0; i < D; i++)
      for (let c = 0; c < C; c++) {
        const g = G[i * C + c]! * s;
        if (g === 0) continue;
        for (let k = 0; k < o.rank; k++) {
          gA[i * o.rank + k]! += g * B[k * C + c]!;
          gB[k * C + c]! += g * A[i * o.rank + k]!;
        }
      }
    for (let i = 0; i < A.length; i++) A[i]! -= o.learningRate * (gA[i]! + o.l2 * A[i]!);
    for (let i = 0; i < B.length; i++) B[i]! -= o.learningRate * (gB[i]! + o.l2 * B[i]!);
  }
  const after = lossAndGradient().loss;
  const adapter: LoraAdapter = {
    baseArtifactSha256: artifactHash(baseOnnx),
    rank: o.rank,
    alpha: o.alpha,
    buckets: D,
    classes: [...base.classes].sort(compareUtf8),
    A: Float32Array.from(A),
    B: Float32Array.from(B),
    trainingSetSha256: trainingSetDigest(sorted),
    trainingExamples: n,
  };
  return { adapter, loss: { before, after } };
}
