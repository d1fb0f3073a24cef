// Inference of the registered small models: base models stay resident (one onnxruntime session per
// artifact); adapters are loaded on demand, merged into their base and kept in an LRU cache of
// sessions (OpenLoRA: one resident base, many adapters, the least recently used evicted).
import type * as ort from "onnxruntime-node";
import { mergeAdapter } from "../attribution/influence/adapter.js";
import { densify, featurize } from "../attribution/influence/features.js";
import { inferenceGraph, NAMES } from "../attribution/influence/graphs.js";
import { artifactHash, loadModel, PRODUCER, type SoftmaxModel } from "../attribution/influence/model.js";
import { floatTensor, openSession, type ProviderPreference, runFloat } from "../attribution/onnx/runtime.js";
import { encodeModel } from "../attribution/onnx/writer.js";

export interface Prediction {
  label: string;
  /** Class → probability, in the model's class order. */
  probabilities: Record<string, number>;
}

export interface RuntimeOptions {
  /** Bytes of an artifact by sha256 (checked here). */
  loadArtifact: (sha256: Uint8Array) => Promise<Uint8Array>;
  /** Adapters kept loaded (default 4). */
  adapterCacheSize?: number;
  provider?: ProviderPreference;
}

interface Loaded {
  model: SoftmaxModel;
  session: ort.InferenceSession;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export class ModelRuntime {
  private readonly bases = new Map<string, Promise<Loaded>>();
  /** Insertion order = recency (a hit moves the entry to the end). */
  private readonly adapters = new Map<string, Promise<Loaded>>();
  readonly stats = { adapterLoads: 0, adapterHits: 0, adapterEvictions: 0 };

  constructor(private readonly opts: RuntimeOptions) {}

  async predict(artifactSha256: Uint8Array, text: string): Promise<Prediction> {
    return run(await this.base(artifactSha256), text);
  }

  async predictWithAdapter(
    baseSha256: Uint8Array,
    adapterSha256: Uint8Array,
    text: string,
  ): Promise<Prediction> {
    const key = hex(adapterSha256);
    let entry = this.adapters.get(key);
    if (entry) {
      this.stats.adapterHits++;
      this.adapters.delete(key);
    } else {
      this.stats.adapterLoads++;
      entry = this.loadAdapter(baseSha256, adapterSha256);
      entry.catch(() => this.adapters.delete(key));
    }
    this.adapters.set(key, entry);
    await this.evict();
    return run(await entry, text);
  }

  /** Adapter keys, least recently used first. */
  loadedAdapters(): string[] {
    return [...this.adapters.keys()];
  }

  async close(): Promise<void> {
    for (const p of [...this.bases.values(), ...this.adapters.values()]) {
      const loaded = await p.catch(() => undefined);
      await loaded?.session.release();
    }
    this.bases.clear();
    this.adapters.clear();
  }

  private async evict(): Promise<void> {
    const limit = this.opts.adapterCacheSize ?? 4;
    while (this.adapters.size > limit) {
      const [oldest, entry] = this.adapters.entries().next().value as [string, Promise<Loaded>];
      this.adapters.delete(oldest);
      this.stats.adapterEvictions++;
      const loaded = await entry.catch(() => undefined);
      await loaded?.session.release();
    }
  }

  private base(sha: Uint8Array): Promise<Loaded> {
    const key = hex(sha);
    let entry = this.bases.get(key);
    if (!entry) {
      entry = (async () => {
        const onnx = await this.artifact(sha);
        const model = loadModel(onnx);
        const { session } = await openSession(onnx, { provider: this.opts.provider ?? "cpu" });
        return { model, session };
      })();
      entry.catch(() => this.bases.delete(key));
      this.bases.set(key, entry);
    }
    return entry;
  }

  private async loadAdapter(baseSha: Uint8Array, adapterSha: Uint8Array): Promise<Loaded> {
    const { model } = await this.base(baseSha);
    const params = await mergeAdapter(model, await this.artifact(adapterSha), this.opts.provider ?? "cpu");
    const merged = encodeModel({
      producerName: PRODUCER.name,
      producerVersion: PRODUCER.version,
      graph: inferenceGraph({ buckets: model.features.buckets, classes: model.classes.length, params }),
    });
    const { session } = await openSession(merged, { provider: this.opts.provider ?? "cpu" });
    return { model: { ...model, params }, session };
  }

  private async artifact(sha: Uint8Array): Promise<Uint8Array> {
    const bytes = await this.opts.loadArtifact(sha);
    if (hex(artifactHash(bytes)) !== hex(sha))
      throw new Error(`artifact ${hex(sha)}: its bytes do not hash to it`);
    return bytes;
  }
}

async function run({ model, session }: Loaded, text: string): Promise<Prediction> {
  const D = model.features.buckets;
  const x = densify([featurize(text, model.features)], D);
  const [p] = await runFloat(session, { [NAMES.features]: floatTensor(x, [1, D]) }, [NAMES.probabilities]);
  let best = 0;
  const probabilities: Record<string, number> = {};
  model.classes.forEach((c, i) => {
    probabilities[c] = p![i]!;
    if (p![i]! > p![best]!) best = i;
  });
  return { label: model.classes[best]!, probabilities };
}
