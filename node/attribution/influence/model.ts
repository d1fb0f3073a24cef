// The small model as an artifact: ONNX bytes of its inference graph with everything needed to
// reproduce and score it in metadata_props. The artifact hash (sha256 of the bytes) is what
// MsgRegisterModel records; loadModel accepts only canonical bytes (encode(decode(b)) = b).
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeModel } from "../onnx/reader.js";
import { encodeModel, IR_VERSION, OPSET_VERSION } from "../onnx/writer.js";
import { checkLabel, compareUtf8, MAX_CLASSES } from "./dataset.js";
import { checkFeatureSpec, type FeatureSpec } from "./features.js";
import { inferenceGraph } from "./graphs.js";

export const MODEL_FORMAT = "softmax-regression/v1";
export const PRODUCER = { name: "openledger", version: "influence/1" } as const;

export interface SoftmaxModel {
  features: FeatureSpec;
  /** Class labels in UTF-8 byte order; index = output column. */
  classes: string[];
  /** L2 strength λ it was trained with (also the influence damping). */
  l2: number;
  /** θ rounded to float32: (D+1)×C row-major, rows 0..D-1 the weights, row D the bias. */
  params: Float32Array;
  /** trainingSetDigest of the examples it was trained on. */
  trainingSetSha256: Uint8Array;
  trainingExamples: number;
}

/** Throws unless the model's fields are consistent. */
export function checkModel(m: SoftmaxModel): void {
  checkFeatureSpec(m.features);
  if (!Array.isArray(m.classes) || m.classes.length < 2 || m.classes.length > MAX_CLASSES) {
    throw new Error(`a model needs 2-${MAX_CLASSES} classes`);
  }
  m.classes.forEach((c, i) => {
    checkLabel(c, `class ${i}`);
    if (i > 0 && compareUtf8(m.classes[i - 1]!, c) >= 0)
      throw new Error("classes must be distinct, in UTF-8 order");
  });
  if (!Number.isFinite(m.l2) || m.l2 <= 0) throw new Error(`l2 must be a positive number, got ${m.l2}`);
  const want = (m.features.buckets + 1) * m.classes.length;
  if (m.params.length !== want) throw new Error(`params hold ${m.params.length} values, want ${want}`);
  if (!m.params.every(Number.isFinite)) throw new Error("params must be finite");
  if (m.trainingSetSha256.length !== 32) throw new Error("trainingSetSha256 must be 32 bytes");
  if (!Number.isSafeInteger(m.trainingExamples) || m.trainingExamples < 1) {
    throw new Error("trainingExamples must be a positive integer");
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** The ONNX artifact: deterministic bytes (equal models give equal bytes). */
export function exportModel(m: SoftmaxModel): Uint8Array {
  checkModel(m);
  const f = m.features;
  return encodeModel({
    producerName: PRODUCER.name,
    producerVersion: PRODUCER.version,
    docString: "softmax regression over hashed n-gram features; see node/attribution/influence/README.md",
    graph: inferenceGraph({ buckets: f.buckets, classes: m.classes.length, params: m.params }),
    metadata: [
      ["openledger.model", MODEL_FORMAT],
      [
        "openledger.features",
        JSON.stringify({
          scheme: f.scheme,
          buckets: f.buckets,
          maxNgram: f.maxNgram,
          maxTextBytes: f.maxTextBytes,
        }),
      ],
      ["openledger.classes", JSON.stringify(m.classes)],
      ["openledger.l2", String(m.l2)],
      [
        "openledger.training",
        JSON.stringify({ examples: m.trainingExamples, sha256: hex(m.trainingSetSha256) }),
      ],
    ],
  });
}

/** sha256 of the ONNX bytes: the artifact hash registered on chain and the cache key. */
export function artifactHash(onnx: Uint8Array): Uint8Array {
  return sha256(onnx);
}

function meta(md: Map<string, string>, key: string): string {
  const v = md.get(key);
  if (v === undefined) throw new Error(`not an openledger model: metadata ${key} missing`);
  return v;
}

/**
 * Reads a model back from its ONNX bytes. Refuses anything this package would not have written
 * byte for byte, so a loaded model is exactly the registered artifact.
 */
export function loadModel(onnx: Uint8Array): SoftmaxModel {
  const d = decodeModel(onnx);
  if (d.producerName !== PRODUCER.name || d.irVersion !== IR_VERSION) {
    throw new Error(`not an openledger model (producer "${d.producerName}", IR ${d.irVersion})`);
  }
  if (d.opsets.length !== 1 || d.opsets[0]!.version !== OPSET_VERSION) throw new Error("unexpected opset");
  if (meta(d.metadata, "openledger.model") !== MODEL_FORMAT) throw new Error("unsupported model format");
  let model: SoftmaxModel;
  try {
    const f = JSON.parse(meta(d.metadata, "openledger.features"));
    const training = JSON.parse(meta(d.metadata, "openledger.training"));
    const W = d.initializers.find((t) => t.name === "W");
    const b = d.initializers.find((t) => t.name === "b");
    if (!(W?.data instanceof Float32Array) || !(b?.data instanceof Float32Array))
      throw new Error("weights missing");
    const params = new Float32Array(W.data.length + b.data.length);
    params.set(W.data);
    params.set(b.data, W.data.length);
    model = {
      features: { scheme: f.scheme, buckets: f.buckets, maxNgram: f.maxNgram, maxTextBytes: f.maxTextBytes },
      classes: JSON.parse(meta(d.metadata, "openledger.classes")),
      l2: Number(meta(d.metadata, "openledger.l2")),
      params,
      trainingSetSha256: Uint8Array.from(Buffer.from(String(training.sha256), "hex")),
      trainingExamples: training.examples,
    };
    checkModel(model);
  } catch (err) {
    throw new Error(`not a valid openledger model: ${err instanceof Error ? err.message : err}`);
  }
  const again = exportModel(model);
  if (Buffer.compare(again, onnx) !== 0) throw new Error("not a canonical openledger model encoding");
  return model;
}
