// Span attribution of one job: the approved, not flagged contributions of the job's datanet
// versions become an index (built once per distinct set, cached on disk under `root`, named by the
// sha256 of the set), and the job's output is attributed against it with the default span params.
// Every validator derives the same document set from the same chain state, so the same weights.
import { sha256 } from "@noble/hashes/sha2.js";
import { liveAt } from "../../../modules/attribution/submit.js";
import type { Job } from "../../../proto/gen/openledger/attribution/v1/types.js";
import {
  attributeOutput,
  buildVersion,
  openIndex,
  readManifest,
  type SpanDoc,
  type SpanIndex,
} from "../span/index.js";
import type { ChainView } from "./chain-view.js";
import { JobRefused } from "./influence-job.js";

export interface SpanJobDeps {
  chain: ChainView;
  /** Directory of the span index versions (one per document set). */
  root: string;
  /** Bytes of content held by reference (the node's content store); undefined when absent. */
  contentOf?: (sha256: Uint8Array) => Promise<Uint8Array | undefined>;
}

export interface JobEntries {
  entries: { contributionId: bigint; bps: number }[];
  spans: number;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Text that is not UTF-8 will not become so: the job is refused, not retried. */
function utf8(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new JobRefused(`${what} is not UTF-8 text`);
  }
}

export class SpanJobs {
  private readonly open = new Map<string, SpanIndex>();

  constructor(private readonly deps: SpanJobDeps) {}

  /** Live tokens of the indexes held open (a metric). */
  indexTokens(): number {
    let n = 0;
    for (const index of this.open.values()) n += index.liveTokens;
    return n;
  }

  async attribute(job: Job): Promise<JobEntries> {
    const output = job.outputText.length > 0 ? job.outputText : await this.referencedOutput(job);
    const index = await this.indexFor(job);
    const result = attributeOutput(index, output);
    const entries = result.weights
      .map((w) => ({ contributionId: w.contributionId, bps: w.bps }))
      .sort((a, b) =>
        a.contributionId < b.contributionId ? -1 : a.contributionId > b.contributionId ? 1 : 0,
      );
    return { entries, spans: result.spans.length };
  }

  private async referencedOutput(job: Job): Promise<string> {
    const bytes = await this.deps.contentOf?.(job.outputSha256);
    if (bytes === undefined) throw new Error(`job ${job.id}: its output is not in the content store yet`);
    return utf8(bytes, `job ${job.id}'s output`);
  }

  /** The index of the job's live documents, built on first use. */
  private async indexFor(job: Job): Promise<SpanIndex> {
    const docs = await this.documents(job);
    const key = Buffer.from(
      sha256(new TextEncoder().encode(docs.map((d) => d.contributionId.toString()).join(","))),
    )
      .toString("hex")
      .slice(0, 32); // 128 bits name the set; index names are at most 64 characters
    const cached = this.open.get(key);
    if (cached !== undefined) return cached;
    if (!this.hasManifest(key)) await buildVersion(this.deps.root, { version: key, add: docs });
    const index = openIndex(this.deps.root, key);
    this.open.set(key, index);
    return index;
  }

  private hasManifest(key: string): boolean {
    try {
      readManifest(this.deps.root, key);
      return true;
    } catch {
      return false;
    }
  }

  /** Contributions of the job's versions live when it was recorded, ascending by id. */
  private async documents(job: Job): Promise<SpanDoc[]> {
    const ids = new Set<bigint>();
    for (const ref of job.datanets) {
      const v = this.deps.chain.datanetVersion(ref.datanetId, ref.version);
      if (v === undefined)
        throw new Error(`job ${job.id}: datanet ${ref.datanetId} has no version ${ref.version}`);
      for (const id of v.contributionIds) ids.add(id);
    }
    const docs: SpanDoc[] = [];
    for (const id of [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const found = this.deps.chain.contribution(id);
      // Live when the job was recorded (the module's rule): flags after that do not change the set.
      if (found === undefined || !liveAt(found.contribution, job.createdHeight)) continue;
      const bytes = found.contribution.inline
        ? found.inline
        : await this.deps.contentOf?.(found.contribution.contentHash);
      if (bytes === undefined)
        throw new Error(`job ${job.id}: content of contribution ${id} is not here yet`);
      docs.push({ contributionId: id, text: utf8(bytes, `contribution ${id}`) });
    }
    if (docs.length === 0) throw new Error(`job ${job.id}: its datanet versions hold no live contributions`);
    return docs;
  }
}
