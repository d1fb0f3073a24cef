// Deterministic training of an L2-regularised softmax regression over hashed n-gram features.
//
// Objective (a sum, not a mean, so leaving one example out removes exactly one term):
//   F(θ) = Σ_i −log softmax(x̃_iᵀθ)[y_i] + (λ/2)·‖θ‖²,   x̃ = [x; 1] (the last row of θ is the bias)
// θ is a (D+1)×C matrix, row-major (index d·C + c). Minimised from θ = 0 with L-BFGS in float64,
// examples in ascending contribution id, every sum in a fixed order: the same examples and
// options give the same bits on one machine. The exported model rounds θ to float32.

import { prepareExamples, type TrainingExample, trainingSetDigest } from "./dataset.js";
import {
  checkFeatureSpec,
  DEFAULT_FEATURES,
  type FeatureSpec,
  featurize,
  type SparseVector,
} from "./features.js";
import { lbfgs } from "./linalg.js";
import type { SoftmaxModel } from "./model.js";

export interface TrainOptions {
  features?: Partial<Omit<FeatureSpec, "scheme">>;
  /** L2 strength λ (default 1). */
  l2?: number;
  /** L-BFGS iterations at most (default 500). */
  maxIterations?: number;
  /** Stop when every gradient component is at most this (default 1e-9). */
  tolerance?: number;
}

export const DEFAULT_TRAIN = { l2: 1, maxIterations: 500, tolerance: 1e-9, memory: 10 } as const;

/** Featurised training data: sparse inputs and class indices, in canonical order. */
export interface TrainingData {
  buckets: number;
  classes: number;
  x: SparseVector[];
  y: Int32Array;
}

export interface TrainResult {
  model: SoftmaxModel;
  /** The float64 optimum before rounding to float32 (for analysis and tests). */
  theta: Float64Array;
  loss: number;
  iterations: number;
  gradInfNorm: number;
  converged: boolean;
}

/** Featurises examples whose labels are among `classes` (throws on an unknown label). */
export function trainingData(
  examples: readonly TrainingExample[],
  spec: FeatureSpec,
  classes: readonly string[],
): TrainingData {
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new Int32Array(examples.length);
  const x = examples.map((e, i) => {
    const c = index.get(e.label);
    if (c === undefined) throw new Error(`contribution ${e.contributionId}: unknown label "${e.label}"`);
    y[i] = c;
    return featurize(e.text, spec, `contribution ${e.contributionId}: text`);
  });
  return { buckets: spec.buckets, classes: classes.length, x, y };
}

/**
 * Log-softmax loss of one example, −log p[y]; writes the probabilities into `p` (length C).
 * z_c = θ[D,c] + Σ_j v_j·θ[idx_j, c], summed in ascending bucket order.
 */
export function exampleLoss(
  theta: ArrayLike<number>,
  x: SparseVector,
  y: number,
  D: number,
  p: Float64Array,
) {
  const C = p.length;
  for (let c = 0; c < C; c++) p[c] = theta[D * C + c]!;
  for (let j = 0; j < x.index.length; j++) {
    const row = x.index[j]! * C;
    const v = x.value[j]!;
    for (let c = 0; c < C; c++) p[c] = p[c]! + v * theta[row + c]!;
  }
  let m = -Infinity;
  for (let c = 0; c < C; c++) m = Math.max(m, p[c]!);
  let s = 0;
  for (let c = 0; c < C; c++) s += Math.exp(p[c]! - m);
  const loss = m + Math.log(s) - p[y]!;
  for (let c = 0; c < C; c++) p[c] = Math.exp(p[c]! - m) / s;
  return loss;
}

/** F(θ) and ∇F(θ) (written into g) over the examples whose `skip` flag is not set. */
export function objective(
  theta: Float64Array,
  data: TrainingData,
  l2: number,
  g: Float64Array,
  skip?: number,
): number {
  const D = data.buckets;
  const C = data.classes;
  const p = new Float64Array(C);
  g.fill(0);
  let f = 0;
  for (let i = 0; i < data.x.length; i++) {
    if (i === skip) continue;
    const x = data.x[i]!;
    f += exampleLoss(theta, x, data.y[i]!, D, p);
    p[data.y[i]!] = p[data.y[i]!]! - 1; // p − onehot(y)
    for (let j = 0; j < x.index.length; j++) {
      const row = x.index[j]! * C;
      const v = x.value[j]!;
      for (let c = 0; c < C; c++) g[row + c] = g[row + c]! + v * p[c]!;
    }
    for (let c = 0; c < C; c++) g[D * C + c] = g[D * C + c]! + p[c]!;
  }
  let reg = 0;
  for (let k = 0; k < theta.length; k++) {
    reg += theta[k]! * theta[k]!;
    g[k] = g[k]! + l2 * theta[k]!;
  }
  return f + 0.5 * l2 * reg;
}

/** Minimises the objective (optionally without example `skip`) from θ = 0 or `start`. */
export function fitSoftmax(
  data: TrainingData,
  l2: number,
  opts: { maxIterations: number; tolerance: number },
  skip?: number,
  start?: Float64Array,
) {
  const n = (data.buckets + 1) * data.classes;
  return lbfgs((t, g) => objective(t, data, l2, g, skip), start ?? new Float64Array(n), {
    ...opts,
    memory: DEFAULT_TRAIN.memory,
  });
}

function checkPositive(name: string, v: number, integer = false): number {
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new Error(`${name} must be a positive ${integer ? "integer" : "number"}, got ${v}`);
  }
  return v;
}

/**
 * Trains the model on a datanet version's examples. Throws on bad input (empty set, one label
 * only, duplicate ids, over-long text, bad label) before any work.
 */
export function trainModel(examples: readonly TrainingExample[], opts: TrainOptions = {}): TrainResult {
  const features: FeatureSpec = { ...DEFAULT_FEATURES, ...opts.features, scheme: DEFAULT_FEATURES.scheme };
  const l2 = checkPositive("l2", opts.l2 ?? DEFAULT_TRAIN.l2);
  const maxIterations = checkPositive(
    "maxIterations",
    opts.maxIterations ?? DEFAULT_TRAIN.maxIterations,
    true,
  );
  const tolerance = checkPositive("tolerance", opts.tolerance ?? DEFAULT_TRAIN.tolerance);
  checkFeatureSpec(features);
  const { examples: sorted, classes } = prepareExamples(examples, features);
  const data = trainingData(sorted, features, classes);
  const r = fitSoftmax(data, l2, { maxIterations, tolerance });
  const model: SoftmaxModel = {
    features,
    classes,
    l2,
    params: Float32Array.from(r.x),
    trainingSetSha256: trainingSetDigest(sorted),
    trainingExamples: sorted.length,
  };
  return {
    model,
    theta: r.x,
    loss: r.f,
    iterations: r.iterations,
    gradInfNorm: r.gradInfNorm,
    converged: r.converged,
  };
}
