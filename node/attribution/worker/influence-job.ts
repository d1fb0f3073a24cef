// Influence attribution of one job (small models registered with method INFLUENCE): the model's
// ONNX artifact is read from the node's artifact store (`<artifactsDir>/<sha256 hex>.onnx`, or copied
// there from the content store, which fetches registered artifacts from peers; checked against the
// artifact hash on chain), its training set is rebuilt from the chain (the labelled
// contributions of the job's datanet versions, checked against the digest the model records), an
// InfluenceEngine is kept open per artifact, and the job's output text is attributed with the label
// the model predicts for it. Entries are the quantised influence basis points, ascending by id.
//
// The job records no label, so the predicted one is used; a near tie between the top two classes
// could flip between machines (float noise), so when they are within LABEL_MARGIN the answer is
// the empty result ("no attribution found"), which every validator reaches alike.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { liveAt } from "../../../modules/attribution/submit.js";
import type { Job } from "../../../proto/gen/openledger/attribution/v1/types.js";
import { ContributionStatus } from "../../../proto/gen/openledger/datanets/v1/types.js";
import { writeFileAtomic } from "../../types/keyfile.js";
import { loadAdapter, mergedModel } from "../influence/adapter.js";
import {
  basisPoints,
  exportModel,
  InfluenceEngine,
  type InfluenceMethod,
  loadModel,
  prepareExamples,
  type SoftmaxModel,
  type TrainingExample,
  trainingSetDigest,
} from "../influence/index.js";
import type { ProviderPreference } from "../onnx/runtime.js";
import type { ChainView } from "./chain-view.js";
import { type ContributionSource, examplesOf, type VersionRef, versionTexts } from "./training-set.js";

/** Smallest gap between the two most probable classes for the predicted label to be trusted. */
export const LABEL_MARGIN = 0.01;
/** The exact method (inverse Hessian) up to this many parameters, TRAK above (as the engine's cap). */
export const MAX_EXACT_PARAMS = 4096;
/** Training-feature caches, one folder per artifact, under the artifacts dir. */
export const CACHE_DIR = "influence-cache";

export interface InfluenceJobDeps {
  chain: ChainView;
  /** The node's artifact store: `<artifactsDir>/<artifact sha256 hex>.onnx`. */
  artifactsDir: string;
  contentOf?: (sha256: Uint8Array) => Promise<Uint8Array | undefined>;
  /** Execution provider of the engines (default "cpu": the same bits on every validator's CPU). */
  provider?: ProviderPreference;
}

export interface InfluenceEntries {
  entries: { contributionId: bigint; bps: number }[];
  artifactSha256: string;
  method: InfluenceMethod;
  /** The predicted label the output was attributed with, and its probability. */
  label: string;
  probability: number;
  /** True when the top two classes were within LABEL_MARGIN: no entries, by design. */
  ambiguous: boolean;
}

interface Target {
  /** The engine's cache key: the artifact (or adapter) sha256 hex. */
  key: string;
  base: string;
  adapter?: string;
  registeredAt: bigint;
}

/** A job this node can never answer (the worker stops trying); other errors are retried. */
export class JobRefused extends Error {}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const byId = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** exact while (D+1)·C ≤ MAX_EXACT_PARAMS, else trak: a function of the model, so every validator agrees. */
export function influenceMethodOf(model: SoftmaxModel): InfluenceMethod {
  return (model.features.buckets + 1) * model.classes.length <= MAX_EXACT_PARAMS ? "exact" : "trak";
}

/**
 * The model's training set from the chain, the first of these whose digest is the one the model
 * records: the approved contributions of `refs`; the members not flagged before the model was
 * registered (`registeredAt`: some flagged since); every member. JobRefused when none is. Content
 * not here yet throws NotHereYet (retried).
 */
export async function modelTrainingSet(
  src: ContributionSource,
  refs: readonly VersionRef[],
  model: SoftmaxModel,
  registeredAt = 0n,
): Promise<TrainingExample[]> {
  const members = await versionTexts(src, refs, "members");
  const { CONTRIBUTION_STATUS_APPROVED: APPROVED, CONTRIBUTION_STATUS_FLAGGED: FLAGGED } = ContributionStatus;
  const candidates = [
    members.filter((m) => m.contribution.status === APPROVED),
    members.filter((m) => m.contribution.status !== FLAGGED || m.contribution.flaggedHeight >= registeredAt),
    members,
  ].filter((set, i, all) => i === 0 || set.length !== all[i - 1]!.length);
  let why = "its digest differs";
  for (const set of candidates) {
    try {
      const { examples } = prepareExamples(examplesOf(set), model.features);
      if (Buffer.compare(trainingSetDigest(examples), model.trainingSetSha256) === 0) return examples;
    } catch (err) {
      why = (err as Error).message;
    }
  }
  throw new JobRefused(`the model's training set is not its datanet versions' contributions: ${why}`);
}

/**
 * The entries of an output: its predicted label (empty entries when the top two classes are within
 * `margin`, default LABEL_MARGIN), the influence of every training example on it, only contributions `approved` now
 * kept (the chain refuses others), quantised to basis points, ascending by id.
 */
export async function influenceEntries(
  engine: InfluenceEngine,
  text: string,
  approved: (id: bigint) => boolean,
  margin = LABEL_MARGIN,
): Promise<Omit<InfluenceEntries, "artifactSha256">> {
  const [pred] = await engine.predict([text]);
  const sorted = [...pred!.probabilities].sort((a, b) => b - a);
  const probability = sorted[0]!;
  const base = { method: engine.method, label: pred!.label, probability };
  if (probability - sorted[1]! < margin) return { ...base, entries: [], ambiguous: true };
  const [s] = await engine.scores([{ text, label: pred!.label }]);
  const ids: bigint[] = [];
  const scores: number[] = [];
  engine.contributionIds.forEach((id, i) => {
    if (!approved(id)) return;
    ids.push(id);
    scores.push(s!.scores[i]!);
  });
  const entries = basisPoints(ids, scores)
    .map((c) => ({ contributionId: c.contributionId, bps: c.bps }))
    .sort((a, b) => byId(a.contributionId, b.contributionId));
  return { ...base, entries, ambiguous: false };
}

/** The engine of an artifact over its training set rebuilt from `src` (see modelTrainingSet). */
export async function openInfluenceEngine(
  onnx: Uint8Array,
  src: ContributionSource,
  refs: readonly VersionRef[],
  opts: { cacheDir?: string; provider?: ProviderPreference; registeredAt?: bigint } = {},
): Promise<InfluenceEngine> {
  let model: SoftmaxModel;
  try {
    model = loadModel(onnx);
  } catch (err) {
    throw new JobRefused(`not an influence model artifact: ${(err as Error).message}`);
  }
  const examples = await modelTrainingSet(src, refs, model, opts.registeredAt);
  return InfluenceEngine.open(onnx, examples, {
    method: influenceMethodOf(model),
    cacheDir: opts.cacheDir,
    provider: opts.provider ?? "cpu",
  });
}

export class InfluenceJobs {
  /** Open engines by artifact hex (a promise while opening). */
  private readonly engines = new Map<string, Promise<InfluenceEngine>>();

  constructor(private readonly deps: InfluenceJobDeps) {}

  private get source(): ContributionSource {
    const chain = this.deps.chain;
    return {
      datanetVersion: (d, v) => chain.datanetVersion(d, v),
      contribution: (id) => chain.contribution(id),
      contentOf: this.deps.contentOf,
    };
  }

  async attribute(job: Job): Promise<InfluenceEntries> {
    const target = this.target(job);
    const engine = await this.engineFor(job, target);
    const text = job.outputText.length > 0 ? job.outputText : await this.referencedOutput(job);
    // Contributions live when the job was recorded earn bps (the module's rule, as for span jobs).
    const approved = (id: bigint) => {
      const c = this.deps.chain.contribution(id)?.contribution;
      return c !== undefined && liveAt(c, job.createdHeight);
    };
    return { artifactSha256: target.key, ...(await influenceEntries(engine, text, approved)) };
  }

  /** What a job runs: a model's artifact, or an adapter's merged into its base model's. */
  private target(job: Job): Target {
    const chain = this.deps.chain;
    if (job.adapterId !== 0n) {
      const adapter = chain.adapter(job.adapterId);
      if (adapter === undefined) throw new JobRefused(`job ${job.id}: adapter ${job.adapterId} not found`);
      const base = chain.model(adapter.baseModelId);
      if (base === undefined) throw new JobRefused(`job ${job.id}: model ${adapter.baseModelId} not found`);
      const key = hex(adapter.adapterSha256);
      return { key, base: hex(base.artifactSha256), adapter: key, registeredAt: adapter.createdHeight };
    }
    const model = chain.model(job.modelId);
    if (model === undefined) throw new JobRefused(`job ${job.id}: model ${job.modelId} not found`);
    const key = hex(model.artifactSha256);
    return { key, base: key, registeredAt: model.createdHeight };
  }

  async close(): Promise<void> {
    const open = [...this.engines.values()];
    this.engines.clear();
    for (const e of open) await e.then((engine) => engine.close()).catch(() => undefined);
  }

  private engineFor(job: Job, target: Target): Promise<InfluenceEngine> {
    let engine = this.engines.get(target.key);
    if (engine === undefined) {
      engine = this.open(job, target);
      this.engines.set(target.key, engine);
      engine.catch(() => this.engines.delete(target.key));
    }
    return engine;
  }

  private async open(job: Job, t: Target): Promise<InfluenceEngine> {
    let onnx = await this.artifact(t.base, `job ${job.id}'s model`);
    if (t.adapter !== undefined) {
      const adapterOnnx = await this.artifact(t.adapter, `adapter ${job.adapterId}`);
      try {
        onnx = Buffer.from(exportModel(mergedModel(loadModel(onnx), loadAdapter(adapterOnnx))));
      } catch (err) {
        throw new JobRefused(
          `job ${job.id}: adapter ${job.adapterId} cannot be merged: ${(err as Error).message}`,
        );
      }
    }
    return openInfluenceEngine(onnx, this.source, job.datanets, {
      cacheDir: join(this.deps.artifactsDir, CACHE_DIR),
      provider: this.deps.provider,
      registeredAt: t.registeredAt,
    });
  }

  /** An artifact's bytes from the artifact store, or copied there from the content store; checked. */
  private async artifact(artifact: string, what: string): Promise<Buffer> {
    const path = join(this.deps.artifactsDir, `${artifact}.onnx`);
    const onnx = await readFile(path).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
      // Registered artifacts travel like contributions' content: pushed to one node, fetched by
      // the others into their content stores.
      const fetched = await this.deps.contentOf?.(Buffer.from(artifact, "hex"));
      if (fetched === undefined) {
        throw new Error(
          `${what}: its artifact ${artifact} is neither in ${this.deps.artifactsDir} ` +
            "nor in the content store yet (push it to a node's /content/<sha256>)",
        );
      }
      await mkdir(this.deps.artifactsDir, { recursive: true });
      await writeFileAtomic(path, fetched);
      return Buffer.from(fetched);
    });
    if (hex(sha256(onnx)) !== artifact)
      throw new Error(`${path}: its sha256 is not the artifact hash registered for ${what}`);
    return onnx;
  }

  private async referencedOutput(job: Job): Promise<string> {
    const bytes = await this.deps.contentOf?.(job.outputSha256);
    if (bytes === undefined) throw new Error(`job ${job.id}: its output is not in the content store yet`);
    try {
      return utf8.decode(bytes);
    } catch {
      throw new JobRefused(`job ${job.id}: its output is not UTF-8 text`);
    }
  }
}
