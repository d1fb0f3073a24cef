// ONNX graphs of a softmax regression (IR 8, opset 17):
// - inference:  features [N,D] → probabilities [N,C]  (MatMul, Add, Softmax)
// - gradients:  + targets [N,C] (one-hot) → per-example gradients of the log loss w.r.t. θ,
//               (p − y) ⊗ [x; 1] flattened to [N, (D+1)·C] in θ's layout (weights, then bias),
//               optionally projected by a constant matrix P [(D+1)·C, k] → [N, k]
// - scoring:    + train_features [k, n] → scores [N, n] = gradients · train_features
import type { OnnxGraph, OnnxNode, TensorValue, ValueInfo } from "../onnx/writer.js";

export interface GraphWeights {
  buckets: number;
  classes: number;
  /** (D+1)×C row-major: rows 0..D-1 the weights, row D the bias. */
  params: Float32Array;
}

const BATCH = "batch";

export const NAMES = {
  features: "features",
  targets: "targets",
  probabilities: "probabilities",
  gradients: "gradients",
  trainFeatures: "train_features",
  scores: "scores",
} as const;

function weightTensors(w: GraphWeights): TensorValue[] {
  const D = w.buckets;
  const C = w.classes;
  if (w.params.length !== (D + 1) * C)
    throw new Error(`params hold ${w.params.length} values, want ${(D + 1) * C}`);
  return [
    { name: "W", dims: [D, C], data: w.params.slice(0, D * C) },
    { name: "b", dims: [C], data: w.params.slice(D * C) },
  ];
}

function inferenceNodes(): OnnxNode[] {
  return [
    { opType: "MatMul", inputs: [NAMES.features, "W"], outputs: ["xw"], name: "matmul" },
    { opType: "Add", inputs: ["xw", "b"], outputs: ["logits"], name: "bias" },
    {
      opType: "Softmax",
      inputs: ["logits"],
      outputs: [NAMES.probabilities],
      name: "softmax",
      attributes: [{ name: "axis", int: 1 }],
    },
  ];
}

const input = (name: string, shape: (number | string)[]): ValueInfo => ({ name, elemType: "float32", shape });

/** The model's inference graph: the ONNX artifact registered on chain. */
export function inferenceGraph(w: GraphWeights): OnnxGraph {
  return {
    name: "openledger_softmax_regression",
    nodes: inferenceNodes(),
    initializers: weightTensors(w),
    inputs: [input(NAMES.features, [BATCH, w.buckets])],
    outputs: [input(NAMES.probabilities, [BATCH, w.classes])],
  };
}

/**
 * Per-example last-layer gradients. With `projection` ([(D+1)·C, k], row-major) the output
 * `gradients` is the projected gradient (TRAK's φ = P·g) of width k.
 */
export function gradientGraph(w: GraphWeights, projection?: { k: number; data: Float32Array }): OnnxGraph {
  const D = w.buckets;
  const C = w.classes;
  const p = (D + 1) * C;
  const initializers: TensorValue[] = [
    ...weightTensors(w),
    { name: "axis_last", dims: [1], data: BigInt64Array.of(2n) },
    { name: "axis_mid", dims: [1], data: BigInt64Array.of(1n) },
    { name: "flat_shape", dims: [2], data: BigInt64Array.of(0n, -1n) },
  ];
  const nodes: OnnxNode[] = [
    ...inferenceNodes(),
    { opType: "Sub", inputs: [NAMES.probabilities, NAMES.targets], outputs: ["residual"], name: "residual" },
    { opType: "Unsqueeze", inputs: [NAMES.features, "axis_last"], outputs: ["x3"], name: "x3" },
    { opType: "Unsqueeze", inputs: ["residual", "axis_mid"], outputs: ["r3"], name: "r3" },
    { opType: "Mul", inputs: ["x3", "r3"], outputs: ["outer"], name: "outer" },
    { opType: "Reshape", inputs: ["outer", "flat_shape"], outputs: ["grad_w"], name: "flatten" },
  ];
  const full = projection ? "grad_full" : NAMES.gradients;
  nodes.push({
    opType: "Concat",
    inputs: ["grad_w", "residual"],
    outputs: [full],
    name: "with_bias",
    attributes: [{ name: "axis", int: 1 }],
  });
  if (projection) {
    if (projection.data.length !== p * projection.k) throw new Error("projection has the wrong size");
    initializers.push({ name: "projection", dims: [p, projection.k], data: projection.data });
    nodes.push({
      opType: "MatMul",
      inputs: [full, "projection"],
      outputs: [NAMES.gradients],
      name: "project",
    });
  }
  return {
    name: "openledger_softmax_gradients",
    nodes,
    initializers,
    inputs: [input(NAMES.features, [BATCH, D]), input(NAMES.targets, [BATCH, C])],
    outputs: [
      input(NAMES.probabilities, [BATCH, C]),
      input(NAMES.gradients, [BATCH, projection ? projection.k : p]),
    ],
  };
}

/**
 * Influence scores of a batch of outputs against every training example: the (projected) test
 * gradient times the cached, preconditioned training features `train_features` [k, n].
 */
export function scoringGraph(w: GraphWeights, projection?: { k: number; data: Float32Array }): OnnxGraph {
  const g = gradientGraph(w, projection);
  const k = projection ? projection.k : (w.buckets + 1) * w.classes;
  return {
    ...g,
    name: "openledger_softmax_influence",
    nodes: [
      ...g.nodes,
      {
        opType: "MatMul",
        inputs: [NAMES.gradients, NAMES.trainFeatures],
        outputs: [NAMES.scores],
        name: "scores",
      },
    ],
    inputs: [...g.inputs, input(NAMES.trainFeatures, [k, "train"])],
    outputs: [input(NAMES.probabilities, [BATCH, w.classes]), input(NAMES.scores, [BATCH, "train"])],
  };
}

/** One-hot targets [N, C] for class indices. */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]!] = 1;
  return out;
}
