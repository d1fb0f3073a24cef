// The validator's attribution duty: after each committed block, every pending job this validator
// has not answered is attributed (span jobs through the span engine, influence jobs through the
// influence engine of the model's artifact, see influence-job.ts), the quantised result is
// signed with the validator's consensus key, and submitted as MsgSubmitAttribution signed by the
// validator's operator account, through the node's own broadcast path (mempool, then tx gossip),
// so results enter blocks like any tx. Jobs are handled one at a time, oldest first.
import { join } from "node:path";
import type { Registry } from "prom-client";
import { msgSubmitAttribution } from "../../../client/attribution-msgs.js";
import { signResult } from "../../../modules/attribution/result.js";
import type { Job } from "../../../proto/gen/openledger/attribution/v1/types.js";
import { AttributionMethod } from "../../../proto/gen/openledger/models/v1/types.js";
import type { Application } from "../../app/application.js";
import type { Logger } from "../../logger.js";
import type { TxSender } from "../../tx-sender.js";
import type { Ed25519Key } from "../../types/ed25519.js";
import { ChainView } from "./chain-view.js";
import { InfluenceJobs, JobRefused } from "./influence-job.js";
import { AttributionMetrics } from "./metrics.js";
import { SpanJobs } from "./span-job.js";

export interface AttributionWorkerDeps {
  app: Application;
  chainId: string;
  /** The validator's consensus key (priv_validator_key.json): signs results. */
  consensusKey: Pick<Ed25519Key, "seed">;
  /** Signs and admits the submissions as the validator's operator account (which pays for them). */
  sender: Pick<TxSender, "address" | "send">;
  /** Where span indexes are kept. */
  spanRoot: string;
  /**
   * The node's model artifact store, `<artifactsDir>/<sha256 hex>.onnx` (influence jobs); default
   * `<spanRoot>/../../models`, i.e. `<home>/data/models` for the node's spanRoot.
   */
  artifactsDir?: string;
  contentOf?: (sha256: Uint8Array) => Promise<Uint8Array | undefined>;
  /** Gas limit of a submission (the finalizing one pays the payout); fee = gas × 0.025 uopen. */
  gas?: bigint;
  /** Attribution metrics are registered here when given (the node's /metrics registry). */
  metricsRegistry?: Registry;
  logger?: Logger;
}

const DEFAULT_GAS = 600_000n;
const RESUBMIT_AFTER_BLOCKS = 3n;

export class AttributionWorker {
  private readonly chain: ChainView;
  private readonly spans: SpanJobs;
  private readonly influence: InfluenceJobs;
  /** The last "cannot attribute yet" reason logged per job (logged again only when it changes). */
  private readonly waiting = new Map<bigint, string>();
  /** Jobs answered (or given up on) by this node. */
  private readonly done = new Set<bigint>();
  /** Result hash (hex) this node submitted, per job still to be settled for the metrics. */
  private readonly own = new Map<bigint, string>();
  /** Height at which a submission was admitted, until it is seen on chain. */
  private readonly submittedAt = new Map<bigint, bigint>();
  private readonly metrics?: AttributionMetrics;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  readonly stats = { submitted: 0, failed: 0 };

  constructor(private readonly deps: AttributionWorkerDeps) {
    this.chain = new ChainView(deps.app);
    this.spans = new SpanJobs({ chain: this.chain, root: deps.spanRoot, contentOf: deps.contentOf });
    this.metrics =
      deps.metricsRegistry && new AttributionMetrics(deps.metricsRegistry, () => this.spans.indexTokens());
    this.influence = new InfluenceJobs({
      chain: this.chain,
      artifactsDir: deps.artifactsDir ?? join(deps.spanRoot, "..", "..", "models"),
      contentOf: deps.contentOf,
    });
  }

  /** Called after each committed block: runs a pass (or one more after the one running). */
  onCommit(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err) => this.deps.logger?.error({ err }, "attribution pass failed"))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.onCommit();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.influence.close();
  }

  /** Resolves when no pass is running (tests). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async pass(): Promise<void> {
    const operator = await this.deps.sender.address();
    const pending = this.chain.pendingJobs();
    this.metrics?.pendingJobs.set(pending.length);
    this.settleOwn(pending);
    for (const id of this.waiting.keys()) if (!pending.some((j) => j.id === id)) this.waiting.delete(id);
    for (const job of pending) {
      if (this.stopped) return;
      if (this.done.has(job.id)) {
        // Admitted to the mempool is not in a block: if the submission is still not on chain a few
        // blocks later (dropped, or failed in DeliverTx), answer again.
        const at = this.submittedAt.get(job.id);
        if (at === undefined || this.deps.app.info().lastBlockHeight < at + RESUBMIT_AFTER_BLOCKS) continue;
        this.submittedAt.delete(job.id);
        if (this.chain.submissions(job.id).some((s) => s.operator === operator)) continue;
        this.done.delete(job.id);
        this.deps.logger?.warn(
          { job: String(job.id) },
          "attribution: submission not on chain; answering again",
        );
      }
      if (this.chain.submissions(job.id).some((s) => s.operator === operator)) {
        this.done.add(job.id);
        continue;
      }
      await this.answer(job, operator);
    }
  }

  private async answer(job: Job, operator: string): Promise<void> {
    const log = this.deps.logger;
    const { ATTRIBUTION_METHOD_SPAN: SPAN, ATTRIBUTION_METHOD_INFLUENCE: INFLUENCE } = AttributionMethod;
    if (job.method !== SPAN && job.method !== INFLUENCE) {
      log?.warn({ job: String(job.id), method: job.method }, "attribution: unknown method, job skipped");
      this.done.add(job.id);
      return;
    }
    let entries: { contributionId: bigint; bps: number }[];
    try {
      const started = performance.now();
      let detail: Record<string, unknown>;
      if (job.method === SPAN) {
        const r = await this.spans.attribute(job);
        entries = r.entries;
        detail = { spans: r.spans };
      } else {
        const r = await this.influence.attribute(job);
        entries = r.entries;
        detail = { label: r.label, probability: r.probability, ambiguous: r.ambiguous, method: r.method };
      }
      this.waiting.delete(job.id);
      const ms = Math.round(performance.now() - started);
      this.metrics?.seconds.observe({ method: job.method === SPAN ? "span" : "influence" }, ms / 1000);
      log?.info({ job: String(job.id), ...detail, entries: entries.length, ms }, "attributed a job");
    } catch (err) {
      const reason = (err as Error).message;
      if (err instanceof JobRefused) {
        log?.error({ job: String(job.id), err: reason }, "attribution: cannot attribute this job, skipped");
        this.done.add(job.id);
        this.waiting.delete(job.id);
        return;
      }
      // Content or artifact not here yet and similar: try again after the next block.
      if (this.waiting.get(job.id) !== reason)
        log?.warn({ job: String(job.id), err: reason }, "attribution: cannot attribute yet");
      this.waiting.set(job.id, reason);
      return;
    }
    const signed = signResult(this.deps.consensusKey, {
      chainId: this.deps.chainId,
      jobId: job.id,
      method: job.method,
      entries,
    });
    const msg = msgSubmitAttribution({ operator, jobId: job.id, method: job.method, entries, ...signed });
    const res = await this.deps.sender.send([msg], this.deps.gas ?? DEFAULT_GAS);
    this.metrics?.submissions.inc({ outcome: res.code === 0 ? "accepted" : "refused" });
    if (res.code === 0) {
      this.done.add(job.id);
      this.own.set(job.id, Buffer.from(signed.resultHash).toString("hex"));
      this.submittedAt.set(job.id, this.deps.app.info().lastBlockHeight);
      this.stats.submitted++;
    } else {
      this.stats.failed++;
      log?.warn({ job: String(job.id), code: res.code, log: res.log }, "attribution: submission refused");
      if (/finalized|already submitted|unknown job/.test(res.log)) this.done.add(job.id);
    }
  }

  /** Own results of jobs no longer pending: finalized as submitted (agreed) or not. */
  private settleOwn(pending: readonly Job[]): void {
    for (const [id, hash] of [...this.own]) {
      if (pending.some((j) => j.id === id)) continue;
      this.own.delete(id);
      const job = this.chain.job(id);
      const agreed = job !== undefined && Buffer.from(job.resultHash).toString("hex") === hash;
      this.metrics?.outcomes.inc({ outcome: agreed ? "agreed" : "other" });
    }
  }
}
