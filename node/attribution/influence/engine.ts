// The influence engine of one model: opened over the model's ONNX artifact and its training set,
// it builds (or loads from the cache) the training features once, then scores outputs through the
// ONNX scoring graph on the execution provider chosen at run time.
import { sha256 } from "@noble/hashes/sha2.js";
import type { InferenceSession } from "onnxruntime-node";
import {
  floatTensor,
  type OpenedSession,
  openSession,
  type ProviderPreference,
  runFloat,
} from "../onnx/runtime.js";
import { encodeModel } from "../onnx/writer.js";
import { type FeatureCacheKey, readFeatures, type TrainingFeatures, writeFeatures } from "./cache.js";
import { prepareExamples, type TrainingExample, trainingSetDigest } from "./dataset.js";
import { densify, featurize } from "./features.js";
import { gradientGraph, inferenceGraph, NAMES, oneHot, scoringGraph } from "./graphs.js";
import { artifactHash, loadModel, PRODUCER, type SoftmaxModel } from "./model.js";
import { basisPoints, DEFAULT_TOP_K, type InfluenceMethod, type InfluenceResult } from "./result.js";
import { trainingData } from "./train.js";
import { gram, hessian, precondition, projectionMatrix, runGradients } from "./training-features.js";

export interface InfluenceOptions {
  /** "exact" (default): inverse true Hessian; "trak": random projection and inverse Gram. */
  method?: InfluenceMethod;
  /** Added to the Hessian / Gram diagonal; default the model's λ. */
  damping?: number;
  /** TRAK: projection width k (default 256) and seed (default 1). */
  projectionDim?: number;
  projectionSeed?: number;
  /** "auto" (default, or $OPENLEDGER_ONNX_PROVIDER): CUDA if it loads, else CPU. */
  provider?: ProviderPreference;
  threads?: number;
  /** Where training features are cached (per artifact hash); no caching when absent. */
  cacheDir?: string;
  /** Rows per ONNX run when computing training features (default 256). */
  batchSize?: number;
  /** The exact method refuses models with more parameters than this (default 4096). */
  maxExactParams?: number;
}

/** An output to attribute: the inference's input text and its label (default: the prediction). */
export interface InferenceOutput {
  text: string;
  label?: string;
}

export interface OutputScores {
  label: string;
  /** One score per training example, in `contributionIds` order. */
  scores: Float32Array;
}

function graphBytes(graph: ReturnType<typeof inferenceGraph>): Uint8Array {
  return encodeModel({ producerName: PRODUCER.name, producerVersion: PRODUCER.version, graph });
}

export class InfluenceEngine {
  private inference?: InferenceSession;

  private constructor(
    readonly model: SoftmaxModel,
    readonly artifactSha256: Uint8Array,
    readonly method: InfluenceMethod,
    readonly features: TrainingFeatures,
    private readonly scoring: OpenedSession,
    /** "hit": features read from the cache; "miss": computed (and cached); "off": no cache dir. */
    readonly cache: "hit" | "miss" | "off",
  ) {}

  /** The execution provider that runs this engine's graphs, and why others were skipped. */
  get provider() {
    return this.scoring.provider;
  }
  get providerFallbacks() {
    return this.scoring.fallbacks;
  }
  get contributionIds(): bigint[] {
    return this.features.contributionIds;
  }

  /**
   * Opens the engine of a model artifact. `examples` must be exactly the training set the model
   * records (same ids, texts and labels; any order), else it throws.
   */
  static async open(
    onnx: Uint8Array,
    examples: readonly TrainingExample[],
    opts: InfluenceOptions = {},
  ): Promise<InfluenceEngine> {
    const model = loadModel(onnx);
    const artifact = artifactHash(onnx);
    const method = opts.method ?? "exact";
    if (method !== "exact" && method !== "trak") throw new Error(`unknown influence method ${method}`);
    const damping = opts.damping ?? model.l2;
    if (!Number.isFinite(damping) || damping <= 0) throw new Error("damping must be a positive number");
    const D = model.features.buckets;
    const C = model.classes.length;
    const P = (D + 1) * C;
    if (method === "exact" && P > (opts.maxExactParams ?? 4096)) {
      throw new Error(`exact influence needs a ${P}×${P} Hessian: too large, use method "trak"`);
    }
    const k = opts.projectionDim ?? 256;
    const seed = opts.projectionSeed ?? 1;
    if (method === "trak" && (!Number.isInteger(k) || k < 1 || k > 8192))
      throw new Error("bad projectionDim");
    if (method === "trak" && (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff))
      throw new Error("bad seed");
    const batchSize = opts.batchSize ?? 256;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error("batchSize must be a positive integer");

    const { examples: sorted, classes } = prepareExamples(examples, model.features);
    if (JSON.stringify(classes) !== JSON.stringify(model.classes)) {
      throw new Error(
        `training labels ${JSON.stringify(classes)} are not the model's ${JSON.stringify(model.classes)}`,
      );
    }
    if (Buffer.compare(trainingSetDigest(sorted), model.trainingSetSha256) !== 0) {
      throw new Error("these examples are not the training set the model was trained on (digest differs)");
    }
    const weights = { buckets: D, classes: C, params: model.params };
    const projection = method === "trak" ? { k, data: projectionMatrix(P, k, seed) } : undefined;
    const sessionOpts = { provider: opts.provider, threads: opts.threads };
    const scoring = await openSession(graphBytes(scoringGraph(weights, projection)), sessionOpts);
    const key: FeatureCacheKey = {
      artifactSha256: artifact,
      trainingSetSha256: model.trainingSetSha256,
      settings: method === "exact" ? { method, damping } : { method, damping, k, seed },
    };
    try {
      let features = opts.cacheDir ? await readFeatures(opts.cacheDir, key) : undefined;
      const cache = !opts.cacheDir ? "off" : features ? "hit" : "miss";
      if (!features) {
        const data = trainingData(sorted, model.features, model.classes);
        const grad = await openSession(graphBytes(gradientGraph(weights, projection)), {
          ...sessionOpts,
          provider: scoring.provider,
        });
        const width = projection ? k : P;
        const n = sorted.length;
        let g: Awaited<ReturnType<typeof runGradients>>;
        try {
          g = await runGradients(grad.session, data.x, data.y, { buckets: D, classes: C, width }, batchSize);
        } finally {
          await grad.session.release();
        }
        const M = projection
          ? gram(g.gradients, n, k, damping)
          : hessian(data.x, g.probabilities, weights, damping);
        const psiT = precondition(M, width, g.gradients, n);
        features = { contributionIds: sorted.map((e) => e.contributionId), rows: width, n, data: psiT };
        if (opts.cacheDir) await writeFeatures(opts.cacheDir, key, features);
      }
      return new InfluenceEngine(model, artifact, method, features, scoring, cache);
    } catch (err) {
      await scoring.session.release();
      throw err;
    }
  }

  private classIndex(label: string): number {
    const i = this.model.classes.indexOf(label);
    if (i < 0)
      throw new Error(`unknown label "${label}" (the model's labels: ${this.model.classes.join(", ")})`);
    return i;
  }

  /** Class probabilities of texts, and the predicted label (the first of equal maxima). */
  async predict(texts: readonly string[]): Promise<{ label: string; probabilities: Float32Array }[]> {
    const D = this.model.features.buckets;
    const C = this.model.classes.length;
    const xs = texts.map((t, i) => featurize(t, this.model.features, `input ${i}`));
    if (xs.length === 0) return [];
    this.inference ??= (
      await openSession(graphBytes(inferenceGraph({ buckets: D, classes: C, params: this.model.params })), {
        provider: this.provider,
      })
    ).session;
    const [probs] = await runFloat(
      this.inference,
      { [NAMES.features]: floatTensor(densify(xs, D), [xs.length, D]) },
      [NAMES.probabilities],
    );
    return xs.map((_, i) => {
      const p = probs!.slice(i * C, (i + 1) * C);
      let best = 0;
      for (let c = 1; c < C; c++) if (p[c]! > p[best]!) best = c;
      return { label: this.model.classes[best]!, probabilities: p };
    });
  }

  /** Influence of every training example on each output's loss (positive = helpful). */
  async scores(outputs: readonly InferenceOutput[]): Promise<OutputScores[]> {
    if (outputs.length === 0) return [];
    const D = this.model.features.buckets;
    const C = this.model.classes.length;
    const xs = outputs.map((o, i) => featurize(o.text, this.model.features, `output ${i}: text`));
    const unlabelled = outputs.filter((o) => o.label === undefined).map((o) => o.text);
    const predicted = await this.predict(unlabelled);
    const labels = outputs.map((o) => o.label ?? predicted.shift()!.label);
    const idx = Int32Array.from(labels, (l) => this.classIndex(l));
    const { rows, n, data } = this.features;
    const [scores] = await runFloat(
      this.scoring.session,
      {
        [NAMES.features]: floatTensor(densify(xs, D), [xs.length, D]),
        [NAMES.targets]: floatTensor(oneHot(idx, C), [xs.length, C]),
        [NAMES.trainFeatures]: floatTensor(data, [rows, n]),
      },
      [NAMES.scores],
    );
    return labels.map((label, i) => ({ label, scores: scores!.slice(i * n, (i + 1) * n) }));
  }

  /** The quantised, hashable attribution of one output (see result.ts for the rounding). */
  async attribute(output: InferenceOutput, opts: { topK?: number } = {}): Promise<InfluenceResult> {
    const [s] = await this.scores([output]);
    return {
      method: this.method,
      modelSha256: this.artifactSha256,
      inputSha256: sha256(new TextEncoder().encode(output.text)),
      label: s!.label,
      contributions: basisPoints(this.contributionIds, s!.scores, opts.topK ?? DEFAULT_TOP_K),
    };
  }

  async close(): Promise<void> {
    await this.scoring.session.release();
    await this.inference?.release();
  }
}
