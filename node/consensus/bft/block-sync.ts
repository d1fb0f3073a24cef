// Block sync: a node that was down, joins late or was cut off catches up from its peers' stored
// blocks. It asks each connected peer for its height, then fetches the heights it lacks in order
// (a few in flight, spread over the peers that have them) and hands each to the engine, which
// applies it only after verifying it (engine-sync.ts). A peer that answers something invalid is
// dropped for the rest of the round and hung up on. Runs before the engine takes part in consensus,
// then every intervalMs and whenever gossip shows the node is more than a height behind.
import type { Libp2p } from "libp2p";
import type { Logger } from "../../logger.js";
import { BlockSyncSession, type PeerId } from "../../p2p/block-sync-protocol.js";
import type { SyncOutcome } from "./engine-sync.js";

/** What block sync drives: the BftEngine. */
export interface SyncTarget {
  /** The height being decided (the first one fetched). */
  readonly height: bigint;
  applySynced(block: Uint8Array, commit: Uint8Array): Promise<SyncOutcome>;
  /** The median of the heights the peers reported (the upper one: a peer claiming too little must
   *  not make honest peers ahead of us look far off). */
  notePeerHeight?(height: bigint): void;
}

export interface BlockSyncOptions {
  /** Background catch-up period. Default 2000 ms. */
  intervalMs?: number;
  /** Blocks requested ahead of the one being applied. Default 8. */
  window?: number;
  logger?: Logger;
}

interface Source {
  peer: PeerId;
  session: BlockSyncSession;
  height: bigint;
  /** Requests on one session go one at a time. */
  busy: Promise<unknown>;
}

export class BlockSyncer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;
  private lastTriggered = 0;
  /** Blocks applied by sync since start. */
  applied = 0;

  constructor(
    private readonly libp2p: Libp2p,
    private readonly chainId: string,
    private readonly target: SyncTarget,
    private readonly opts: BlockSyncOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.trigger(), this.opts.intervalMs ?? 2000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /**
   * Starts a catch-up round unless one is running or one started less than a second ago (gossip
   * from a peer ahead triggers it, and a flood of such messages must not become a flood of rounds).
   */
  trigger(): void {
    if (this.stopped || this.running !== undefined) return;
    if (Date.now() - this.lastTriggered < 1000) return;
    this.lastTriggered = Date.now();
    void this.catchUp();
  }

  /** One round: fetch and apply blocks until no connected peer is ahead. Answers blocks applied. */
  catchUp(): Promise<number> {
    if (this.running !== undefined) return this.running;
    this.running = this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Waits (up to timeoutMs) for a first peer, then catches up: for use before consensus starts. */
  async initialSync(timeoutMs: number): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (this.libp2p.getPeers().length === 0 && Date.now() < end && !this.stopped) {
      await new Promise((r) => setTimeout(r, 100));
    }
    let total = 0;
    for (;;) {
      const n = await this.catchUp();
      total += n;
      if (n === 0) return total;
    }
  }

  private async round(): Promise<number> {
    const sources = await this.openSources();
    let applied = 0;
    try {
      let next = this.target.height;
      const inflight = new Map<
        bigint,
        Promise<{ block: Uint8Array; commit: Uint8Array; from: Source } | undefined>
      >();
      const window = BigInt(this.opts.window ?? 8);
      let turn = 0;
      while (!this.stopped) {
        const best = maxHeight(sources);
        if (next > best) break;
        for (let h = next; h <= best && h < next + window; h++) {
          if (inflight.has(h)) continue;
          const able = sources.filter((s) => s.height >= h);
          if (able.length === 0) break;
          inflight.set(h, this.fetch(able[turn++ % able.length]!, h));
        }
        const got = await inflight.get(next)!;
        inflight.delete(next);
        if (got === undefined) {
          for (const h of inflight.keys()) inflight.delete(h);
          if (sources.every((s) => s.height < next)) break;
          continue;
        }
        const outcome = await this.target.applySynced(got.block, got.commit);
        if (outcome.status === "invalid") {
          this.opts.logger?.warn(
            { peer: got.from.peer.toString(), height: String(next), reason: outcome.reason },
            "block sync: peer sent an invalid block",
          );
          this.drop(sources, got.from);
          await this.libp2p.hangUp(got.from.peer).catch(() => undefined);
          for (const h of inflight.keys()) inflight.delete(h);
          continue;
        }
        if (outcome.status === "applied") {
          applied++;
          this.applied++;
        }
        next = this.target.height;
        for (const h of [...inflight.keys()]) if (h < next) inflight.delete(h);
      }
    } finally {
      await Promise.all(sources.map((s) => s.session.close()));
    }
    if (applied > 0) {
      this.opts.logger?.info({ applied, height: String(this.target.height - 1n) }, "block sync caught up");
    }
    return applied;
  }

  private async openSources(): Promise<Source[]> {
    const peers = this.libp2p.getPeers();
    const opened = await Promise.all(
      peers.map(async (peer): Promise<Source | undefined> => {
        try {
          const session = await BlockSyncSession.open(this.libp2p, this.chainId, peer);
          try {
            const status = await session.status();
            return { peer, session, height: status.height, busy: Promise.resolve() };
          } catch (err) {
            await session.close();
            throw err;
          }
        } catch (err) {
          this.opts.logger?.debug(
            { peer: peer.toString(), err: (err as Error).message },
            "block sync: no status",
          );
          return undefined;
        }
      }),
    );
    const sources = opened.filter((s): s is Source => s !== undefined);
    if (sources.length > 0) {
      const heights = sources.map((s) => s.height).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.target.notePeerHeight?.(heights[Math.floor(heights.length / 2)]!);
    }
    return sources;
  }

  /** One block from one source, serialised with its other requests; undefined when it fails. */
  private fetch(source: Source, height: bigint) {
    const request = source.busy.then(async () => {
      try {
        const got = await source.session.block(height);
        if (got === undefined) {
          source.height = height - 1n; // it pruned or lost the height: ask others
          return undefined;
        }
        return { ...got, from: source };
      } catch (err) {
        this.opts.logger?.debug(
          { peer: source.peer.toString(), err: (err as Error).message },
          "block sync request failed",
        );
        source.height = -1n;
        return undefined;
      }
    });
    source.busy = request;
    return request;
  }

  private drop(sources: Source[], source: Source): void {
    source.height = -1n;
    const i = sources.indexOf(source);
    if (i >= 0) sources.splice(i, 1);
    void source.session.close();
  }
}

function maxHeight(sources: readonly Source[]): bigint {
  let best = -1n;
  for (const s of sources) if (s.height > best) best = s.height;
  return best;
}
