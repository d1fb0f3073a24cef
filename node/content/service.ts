// The content service of a running node: serves the store on libp2p, answers /content/ over HTTP,
// and keeps the store holding the content of every approved contribution (a catch-up scan of
// datanets state at start, then the contributions each committed block approves; what is missing
// is fetched from peers in the background).
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import type { Libp2p } from "libp2p";
import { type Contribution, ContributionStatus } from "../../proto/gen/openledger/datanets/v1/types.js";
import type { Application } from "../app/application.js";
import type { Logger } from "../logger.js";
import type { CommittedBlockEvent } from "../rpc/backend.js";
import type { HttpRoute } from "../rpc/server.js";
import { ArtifactsView, registersModels } from "./artifacts.js";
import { ContentFetcher, type FetcherOptions } from "./fetcher.js";
import { contentRoute } from "./http.js";
import { toHex } from "./manifest.js";
import { type ProtocolLimits, serveContent } from "./protocol.js";
import { DatanetsView } from "./references.js";
import type { ContentStore } from "./store.js";

export interface ContentServiceDeps {
  store: ContentStore;
  app: Pick<Application, "query">;
  /** Committed blocks (the block executor). */
  blocks: { subscribe(listener: (e: CommittedBlockEvent) => void): () => void };
  libp2p: Libp2p;
  logger?: Logger;
  fetcher?: Partial<FetcherOptions>;
  limits?: Partial<ProtocolLimits>;
}

export class ContentService {
  readonly httpRoute: HttpRoute;
  readonly fetcher: ContentFetcher;
  private readonly view: DatanetsView;
  private readonly artifacts: ArtifactsView;
  private unsubscribe: () => void = () => {};
  private unserve: () => Promise<void> = async () => {};
  /** The start-up scan of datanets state (tests await it). */
  catchUp: Promise<void> = Promise.resolve();

  private constructor(private readonly deps: ContentServiceDeps) {
    this.view = new DatanetsView(deps.app);
    this.artifacts = new ArtifactsView(deps.app);
    this.httpRoute = contentRoute({
      store: deps.store,
      view: this.view,
      artifacts: this.artifacts,
      logger: deps.logger,
    });
    this.fetcher = new ContentFetcher(deps.store, deps.libp2p, deps.logger, {
      ...deps.fetcher,
      limits: deps.limits,
    });
  }

  static async start(deps: ContentServiceDeps): Promise<ContentService> {
    const s = new ContentService(deps);
    s.unserve = await serveContent(deps.libp2p, deps.store, { limits: deps.limits, logger: deps.logger });
    s.unsubscribe = deps.blocks.subscribe((e) => {
      s.onBlock(e.resultFinalizeBlock.txResults).catch((err) =>
        deps.logger?.error({ err }, "content: reading a block's approvals failed"),
      );
    });
    s.catchUp = s.scan().catch((err) => deps.logger?.error({ err }, "content: start-up scan failed"));
    return s;
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    this.fetcher.stop();
    await this.unserve().catch(() => {});
  }

  /** Every approved contribution's content should be here: stored inline, or fetched. */
  private async scan(): Promise<void> {
    let approved = 0;
    for (const c of this.view.approved()) {
      approved++;
      await this.ensure(c);
    }
    await this.ensureArtifacts();
    this.deps.logger?.info(
      { approved, fetching: this.fetcher.pending },
      "content: start-up scan of approved contributions and model artifacts done",
    );
  }

  /** Every registered model's artifact should be here too (validators run influence models). */
  private async ensureArtifacts(): Promise<void> {
    for (const a of this.artifacts.artifacts()) {
      if (!(await this.deps.store.has(a.sha256))) this.fetcher.want(a.sha256, a.size);
    }
  }

  /** Contributions approved by a committed block: on submission (no approval needed) or review. */
  private async onBlock(results: readonly ExecTxResult[]): Promise<void> {
    if (registersModels(results)) await this.ensureArtifacts();
    for (const id of approvedIds(results)) {
      const r = this.view.contribution(id);
      if (r?.contribution) await this.ensure(r.contribution);
    }
  }

  private async ensure(c: Contribution): Promise<void> {
    if (c.status !== ContributionStatus.CONTRIBUTION_STATUS_APPROVED) return;
    if (await this.deps.store.has(c.contentHash)) return;
    if (c.inline) {
      // Inline content enters the store with its block; this covers state from genesis or from
      // blocks executed before the store existed.
      const bytes = this.view.contribution(c.id, true)?.inlineContent;
      if (bytes && bytes.length > 0) await this.deps.store.put(bytes, c.contentHash);
      return;
    }
    this.deps.logger?.info(
      { content: toHex(c.contentHash), contribution: c.id.toString(), size: c.size.toString() },
      "content: approved contribution's content missing here; fetching from peers",
    );
    this.fetcher.want(c.contentHash, c.size);
  }
}

/** Ids of contributions that the successful txs of a block approved. */
export function approvedIds(results: readonly ExecTxResult[]): bigint[] {
  const ids: bigint[] = [];
  for (const r of results) {
    if (r.code !== 0) continue;
    for (const e of r.events) {
      if (e.type !== "contribution_submitted" && e.type !== "contribution_reviewed") continue;
      const attr = (key: string) => e.attributes.find((a) => a.key === key)?.value;
      const approved =
        (e.type === "contribution_submitted" && attr("status") === "CONTRIBUTION_STATUS_APPROVED") ||
        (e.type === "contribution_reviewed" && attr("decision") === "approve");
      const id = attr("contribution_id");
      if (approved && id && /^\d+$/.test(id)) ids.push(BigInt(id));
    }
  }
  return ids;
}
