// Training features: per-example gradients from the ONNX gradient graph, preconditioned once per
// model so that scoring an output is one matrix product.
//
// exact: ψ_i = (H + δI)⁻¹·g_i with H = Σ_i (diag p_i − p_i p_iᵀ) ⊗ x̃_i x̃_iᵀ, the true Hessian of
//        the summed log loss (for a linear softmax model it equals the Gauss-Newton matrix) and
//        δ = λ, the model's L2 term: H + λI is the Hessian of the training objective.
//        score_i = g_testᵀ ψ_i ≈ increase of the output's loss if contribution i were left out.
// trak:  φ_i = Pᵀg_i with a seeded ±1/√k projection P [(D+1)C, k]; ψ_i = (ΦᵀΦ + δI)⁻¹ φ_i.
import type { InferenceSession } from "onnxruntime-node";
import { floatTensor, runFloat } from "../onnx/runtime.js";
import { densify, type SparseVector } from "./features.js";
import { NAMES, oneHot } from "./graphs.js";
import { cholesky, choleskySolve } from "./linalg.js";
import { Rng } from "./synthetic.js";

/** Rademacher projection [p, k] (row-major), entries ±1/√k drawn from Rng(seed) in row order. */
export function projectionMatrix(p: number, k: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const v = Math.fround(1 / Math.sqrt(k));
  const out = new Float32Array(p * k);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() & 1 ? v : -v;
  return out;
}

/** Runs the gradient graph over examples in batches: gradients [n, width] and probabilities [n, C]. */
export async function runGradients(
  session: InferenceSession,
  xs: readonly SparseVector[],
  labels: Int32Array,
  dims: { buckets: number; classes: number; width: number },
  batchSize: number,
): Promise<{ gradients: Float32Array; probabilities: Float32Array }> {
  const n = xs.length;
  const { buckets: D, classes: C, width } = dims;
  const gradients = new Float32Array(n * width);
  const probabilities = new Float32Array(n * C);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const b = end - start;
    const [probs, grads] = await runFloat(
      session,
      {
        [NAMES.features]: floatTensor(densify(xs.slice(start, end), D), [b, D]),
        [NAMES.targets]: floatTensor(oneHot(labels.subarray(start, end), C), [b, C]),
      },
      [NAMES.probabilities, NAMES.gradients],
    );
    probabilities.set(probs!, start * C);
    gradients.set(grads!, start * width);
  }
  return { gradients, probabilities };
}

/** H + δI for the exact method, P = (D+1)·C, row-major float64 (full symmetric matrix). */
export function hessian(
  xs: readonly SparseVector[],
  probabilities: Float32Array,
  dims: { buckets: number; classes: number },
  damping: number,
): Float64Array {
  const { buckets: D, classes: C } = dims;
  const P = (D + 1) * C;
  const H = new Float64Array(P * P);
  const A = new Float64Array(C * C);
  xs.forEach((x, i) => {
    for (let c = 0; c < C; c++) {
      const pc = probabilities[i * C + c]!;
      for (let e = 0; e < C; e++) A[c * C + e] = (c === e ? pc : 0) - pc * probabilities[i * C + e]!;
    }
    const m = x.index.length + 1; // x̃ = [x; 1]
    const idx = (a: number) => (a < x.index.length ? x.index[a]! : D);
    const val = (a: number) => (a < x.index.length ? x.value[a]! : 1);
    for (let a = 0; a < m; a++) {
      const ra = idx(a) * C;
      for (let b = 0; b < m; b++) {
        const rb = idx(b) * C;
        const xx = val(a) * val(b);
        for (let c = 0; c < C; c++) {
          const row = (ra + c) * P + rb;
          for (let e = 0; e < C; e++) H[row + e] = H[row + e]! + A[c * C + e]! * xx;
        }
      }
    }
  });
  for (let k = 0; k < P; k++) H[k * P + k] = H[k * P + k]! + damping;
  return H;
}

/** ΦᵀΦ + δI for TRAK, from projected gradients φ [n, k]. */
export function gram(phi: Float32Array, n: number, k: number, damping: number): Float64Array {
  const G = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    for (let a = 0; a < k; a++) {
      const va = phi[o + a]!;
      if (va === 0) continue;
      for (let b = 0; b < k; b++) G[a * k + b] = G[a * k + b]! + va * phi[o + b]!;
    }
  }
  for (let a = 0; a < k; a++) G[a * k + a] = G[a * k + a]! + damping;
  return G;
}

/**
 * Solves M·ψ_i = g_i for every training example (M symmetric positive definite, dim×dim) and
 * returns Ψᵀ as float32 [dim, n]: the `train_features` input of the scoring graph.
 */
export function precondition(M: Float64Array, dim: number, grads: Float32Array, n: number): Float32Array {
  cholesky(M, dim);
  const out = new Float32Array(dim * n);
  const v = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) v[k] = grads[i * dim + k]!;
    choleskySolve(M, dim, v);
    for (let k = 0; k < dim; k++) out[k * n + i] = v[k]!;
  }
  return out;
}
