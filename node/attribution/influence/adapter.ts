// LoRA adapters of the small softmax-regression models (format "lora-softmax/v1"): a rank-r update
// of the base weights, W' = W + (alpha / r)·A·B with A [D, r] and B [r, C]; the bias is the base's.
// The artifact is ONNX: initializers A, B and the scale, and a graph whose output is the weight
// update delta_w = scale·(A·B), so serving computes the update with onnxruntime and merges it
// into the resident base when the adapter is loaded (OpenLoRA's on-demand adapters). Its sha256 is
// the adapter_sha256 that MsgRegisterAdapter records; loadAdapter accepts only canonical bytes.
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeModel } from "../onnx/reader.js";
import { openSession, type ProviderPreference, runFloat } from "../onnx/runtime.js";
import { encodeModel, IR_VERSION, OPSET_VERSION } from "../onnx/writer.js";
import type { SoftmaxModel } from "./model.js";

export const ADAPTER_FORMAT = "lora-softmax/v1";
export const MAX_RANK = 64;
const PRODUCER = { name: "openledger", version: "lora/1" } as const;

export interface LoraAdapter {
  /** sha256 of the base model's ONNX artifact. */
  baseArtifactSha256: Uint8Array;
  rank: number;
  alpha: number;
  buckets: number;
  classes: string[];
  /** [buckets, rank] row-major. */
  A: Float32Array;
  /** [rank, classes] row-major. */
  B: Float32Array;
  trainingSetSha256: Uint8Array;
  trainingExamples: number;
}

export function checkAdapter(a: LoraAdapter): void {
  if (a.baseArtifactSha256.length !== 32) throw new Error("baseArtifactSha256 must be 32 bytes");
  if (!Number.isInteger(a.rank) || a.rank < 1 || a.rank > MAX_RANK)
    throw new Error(`rank must be 1..${MAX_RANK}`);
  if (!Number.isFinite(a.alpha) || a.alpha <= 0) throw new Error("alpha must be a positive number");
  if (!Number.isInteger(a.buckets) || a.buckets < 1) throw new Error("buckets must be a positive integer");
  if (!Array.isArray(a.classes) || a.classes.length < 2)
    throw new Error("an adapter needs at least 2 classes");
  if (a.A.length !== a.buckets * a.rank)
    throw new Error(`A holds ${a.A.length} values, want ${a.buckets * a.rank}`);
  if (a.B.length !== a.rank * a.classes.length)
    throw new Error(`B holds ${a.B.length} values, want ${a.rank * a.classes.length}`);
  if (!a.A.every(Number.isFinite) || !a.B.every(Number.isFinite)) throw new Error("A and B must be finite");
  if (a.trainingSetSha256.length !== 32) throw new Error("trainingSetSha256 must be 32 bytes");
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export function exportAdapter(a: LoraAdapter): Uint8Array {
  checkAdapter(a);
  const C = a.classes.length;
  return encodeModel({
    producerName: PRODUCER.name,
    producerVersion: PRODUCER.version,
    docString: "LoRA update of a softmax regression's weights: delta_w = scale * (A @ B)",
    graph: {
      name: "openledger_lora_delta",
      nodes: [
        { opType: "MatMul", inputs: ["A", "B"], outputs: ["ab"], name: "low_rank" },
        { opType: "Mul", inputs: ["ab", "scale"], outputs: ["delta_w"], name: "scale" },
      ],
      initializers: [
        { name: "A", dims: [a.buckets, a.rank], data: a.A },
        { name: "B", dims: [a.rank, C], data: a.B },
        { name: "scale", dims: [1], data: Float32Array.of(a.alpha / a.rank) },
      ],
      inputs: [],
      outputs: [{ name: "delta_w", elemType: "float32", shape: [a.buckets, C] }],
    },
    metadata: [
      ["openledger.adapter", ADAPTER_FORMAT],
      ["openledger.base", hex(a.baseArtifactSha256)],
      ["openledger.lora", JSON.stringify({ rank: a.rank, alpha: a.alpha })],
      ["openledger.classes", JSON.stringify(a.classes)],
      [
        "openledger.training",
        JSON.stringify({ examples: a.trainingExamples, sha256: hex(a.trainingSetSha256) }),
      ],
    ],
  });
}

export function adapterHash(onnx: Uint8Array): Uint8Array {
  return sha256(onnx);
}

export function loadAdapter(onnx: Uint8Array): LoraAdapter {
  const d = decodeModel(onnx);
  if (
    d.producerName !== PRODUCER.name ||
    d.irVersion !== IR_VERSION ||
    d.opsets[0]?.version !== OPSET_VERSION
  )
    throw new Error("not an openledger adapter");
  const meta = (k: string) => {
    const v = d.metadata.get(k);
    if (v === undefined) throw new Error(`not an openledger adapter: metadata ${k} missing`);
    return v;
  };
  if (meta("openledger.adapter") !== ADAPTER_FORMAT) throw new Error("unsupported adapter format");
  let adapter: LoraAdapter;
  try {
    const lora = JSON.parse(meta("openledger.lora"));
    const training = JSON.parse(meta("openledger.training"));
    const A = d.initializers.find((t) => t.name === "A");
    const B = d.initializers.find((t) => t.name === "B");
    if (!(A?.data instanceof Float32Array) || !(B?.data instanceof Float32Array))
      throw new Error("A or B missing");
    adapter = {
      baseArtifactSha256: Uint8Array.from(Buffer.from(meta("openledger.base"), "hex")),
      rank: lora.rank,
      alpha: lora.alpha,
      buckets: Number(A.dims[0]),
      classes: JSON.parse(meta("openledger.classes")),
      A: A.data,
      B: B.data,
      trainingSetSha256: Uint8Array.from(Buffer.from(String(training.sha256), "hex")),
      trainingExamples: training.examples,
    };
    checkAdapter(adapter);
  } catch (err) {
    throw new Error(`not a valid openledger adapter: ${err instanceof Error ? err.message : err}`);
  }
  if (Buffer.compare(exportAdapter(adapter), onnx) !== 0)
    throw new Error("not a canonical openledger adapter encoding");
  return adapter;
}

/** The base's parameters with the adapter's update merged in (delta_w computed by onnxruntime). */
export async function mergeAdapter(
  base: SoftmaxModel,
  onnx: Uint8Array,
  provider: ProviderPreference = "cpu",
): Promise<Float32Array> {
  const adapter = loadAdapter(onnx);
  const D = base.features.buckets;
  const C = base.classes.length;
  if (adapter.buckets !== D || adapter.classes.join("\n") !== base.classes.join("\n"))
    throw new Error("the adapter's shape (buckets, classes) is not its base model's");
  const { session } = await openSession(onnx, { provider });
  try {
    const [delta] = await runFloat(session, {}, ["delta_w"]);
    const merged = Float32Array.from(base.params);
    for (let i = 0; i < D * C; i++) merged[i]! += delta![i]!;
    return merged;
  } finally {
    await session.release();
  }
}

/**
 * The merged model in plain JavaScript (float64 products rounded once to float32): the same bits on
 * every machine, for validators attributing an adapter's inference. Its training set is the
 * adapter's (the examples the update was fitted on); features, classes and λ are the base's.
 */
export function mergedModel(base: SoftmaxModel, adapter: LoraAdapter): SoftmaxModel {
  const D = base.features.buckets;
  const C = base.classes.length;
  if (adapter.buckets !== D || adapter.classes.join("\n") !== base.classes.join("\n"))
    throw new Error("the adapter's shape (buckets, classes) is not its base model's");
  const scale = Math.fround(adapter.alpha / adapter.rank);
  const params = Float32Array.from(base.params);
  for (let i = 0; i < D; i++)
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let k = 0; k < adapter.rank; k++) sum += adapter.A[i * adapter.rank + k]! * adapter.B[k * C + c]!;
      params[i * C + c] = Math.fround(base.params[i * C + c]! + scale * sum);
    }
  return {
    ...base,
    params,
    trainingSetSha256: adapter.trainingSetSha256,
    trainingExamples: adapter.trainingExamples,
  };
}
