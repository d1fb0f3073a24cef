// Influence of training contributions on a small model's outputs: the public surface.
//
//   const { onnx, artifactSha256 } = trainArtifact(examples);        // `openledgerd model train`
//   const engine = await InfluenceEngine.open(onnx, examples, { cacheDir });  // validator worker
//   const result = await engine.attribute({ text, label });
//   resultHash(result);                                              // what validators sign
import type { TrainingExample } from "./dataset.js";
import { artifactHash, exportModel, type SoftmaxModel } from "./model.js";
import { type TrainOptions, type TrainResult, trainModel } from "./train.js";

export { type FeatureCacheKey, readFeatures, type TrainingFeatures, writeFeatures } from "./cache.js";
export {
  exampleFromContribution,
  labelFromMetadata,
  prepareExamples,
  type TrainingExample,
  trainingSetDigest,
} from "./dataset.js";
export { type InferenceOutput, InfluenceEngine, type InfluenceOptions, type OutputScores } from "./engine.js";
export { DEFAULT_FEATURES, type FeatureSpec, featurize } from "./features.js";
export { artifactHash, exportModel, loadModel, MODEL_FORMAT, type SoftmaxModel } from "./model.js";
export {
  basisPoints,
  type Contribution,
  encodeResult,
  type InfluenceMethod,
  type InfluenceResult,
  resultHash,
} from "./result.js";
export { DEFAULT_TRAIN, type TrainOptions, type TrainResult, trainModel } from "./train.js";

export interface TrainedArtifact {
  model: SoftmaxModel;
  /** The ONNX bytes to store and register (MsgRegisterModel: format "onnx"). */
  onnx: Uint8Array;
  artifactSha256: Uint8Array;
  stats: Omit<TrainResult, "model" | "theta">;
}

/** Trains on a datanet version's examples and exports the ONNX artifact with its hash. */
export function trainArtifact(
  examples: readonly TrainingExample[],
  opts: TrainOptions = {},
): TrainedArtifact {
  const { model, theta: _theta, ...stats } = trainModel(examples, opts);
  const onnx = exportModel(model);
  return { model, onnx, artifactSha256: artifactHash(onnx), stats };
}
