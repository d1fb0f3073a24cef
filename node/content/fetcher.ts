// Background fetcher: content the node should hold (approved contributions whose content is not
// in the local store) is asked of the connected peers one after another over
// /openledger/content/1.0.0, verified, and stored. What no peer could give is tried again later
// with exponential backoff; a new peer connection makes everything due at once.
import type { Libp2p } from "libp2p";
import type { Logger } from "../logger.js";
import { toHex } from "./manifest.js";
import { BadPeerData, ContentNotFound, fetchContent, type PeerId, type ProtocolLimits } from "./protocol.js";
import type { ContentStore } from "./store.js";

export interface FetcherOptions {
  /** Contents fetched at once (one stream each). */
  concurrency: number;
  /** First retry delay; doubles per failed round up to maxRetryMs. */
  minRetryMs: number;
  maxRetryMs: number;
  limits?: Partial<ProtocolLimits>;
}

export const DEFAULT_FETCHER_OPTIONS: FetcherOptions = {
  concurrency: 2,
  minRetryMs: 2_000,
  maxRetryMs: 300_000,
};

interface Want {
  hash: Uint8Array;
  hex: string;
  size: bigint | undefined;
  attempts: number;
  nextAt: number;
  inFlight: boolean;
}

export class ContentFetcher {
  private readonly wants = new Map<string, Want>();
  private readonly options: FetcherOptions;
  private readonly abort = new AbortController();
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private readonly onConnect = () => this.wake();

  constructor(
    private readonly store: ContentStore,
    private readonly libp2p: Libp2p,
    private readonly logger?: Logger,
    options: Partial<FetcherOptions> = {},
  ) {
    this.options = { ...DEFAULT_FETCHER_OPTIONS, ...options };
    libp2p.addEventListener("peer:connect", this.onConnect);
  }

  /** Contents wanted and not yet stored. */
  get pending(): number {
    return this.wants.size;
  }

  /** Asks for content unless it is already wanted; `size` is the declared size, when known. */
  want(hash: Uint8Array, size?: bigint): void {
    if (this.abort.signal.aborted) return;
    const hex = toHex(hash);
    if (this.wants.has(hex)) return;
    if (size !== undefined && size > BigInt(this.store.maxContentBytes)) {
      this.logger?.warn(
        { content: hex, size: size.toString(), max: this.store.maxContentBytes },
        "content over the store's size cap: not fetched",
      );
      return;
    }
    this.wants.set(hex, { hash, hex, size, attempts: 0, nextAt: 0, inFlight: false });
    this.pump();
  }

  /** Makes every waiting content due now (e.g. a peer connected). */
  wake(): void {
    for (const w of this.wants.values()) w.nextAt = 0;
    this.pump();
  }

  /** Resolves when nothing is wanted any more (tests, shutdown). */
  idle(): Promise<void> {
    if (this.wants.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.abort.abort(new Error("content fetcher stopped"));
    this.libp2p.removeEventListener("peer:connect", this.onConnect);
    clearTimeout(this.timer);
  }

  private pump(): void {
    if (this.abort.signal.aborted) return;
    const now = Date.now();
    for (const w of this.wants.values()) {
      if (this.running >= this.options.concurrency) break;
      if (w.inFlight || w.nextAt > now) continue;
      w.inFlight = true;
      this.running++;
      void this.attempt(w)
        .catch((err) => this.logger?.error({ err, content: w.hex }, "content fetch failed unexpectedly"))
        .finally(() => {
          w.inFlight = false;
          this.running--;
          this.pump();
        });
    }
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    let next = Number.POSITIVE_INFINITY;
    for (const w of this.wants.values()) if (!w.inFlight) next = Math.min(next, w.nextAt);
    if (next === Number.POSITIVE_INFINITY || this.abort.signal.aborted) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private done(w: Want): void {
    this.wants.delete(w.hex);
    if (this.wants.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async attempt(w: Want): Promise<void> {
    if (await this.store.has(w.hash)) return this.done(w);
    const peers = rotate(this.libp2p.getPeers(), w.attempts);
    const started = Date.now();
    for (const peer of peers) {
      if (this.abort.signal.aborted) return;
      try {
        const bytes = await fetchContent(this.libp2p, peer, w.hash, {
          maxBytes: this.store.maxContentBytes,
          expectedSize: w.size,
          limits: this.options.limits,
          signal: this.abort.signal,
        });
        await this.store.put(bytes, w.hash);
        this.logger?.info(
          {
            content: w.hex,
            bytes: bytes.length,
            peer: peer.toString(),
            ms: Date.now() - started,
            left: this.wants.size - 1,
          },
          "content fetched and verified",
        );
        return this.done(w);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (err instanceof BadPeerData) {
          this.logger?.warn(
            { content: w.hex, peer: peer.toString(), reason: err.message },
            "discarded content from a peer: it failed verification",
          );
        } else if (!(err instanceof ContentNotFound)) {
          this.logger?.debug(
            { content: w.hex, peer: peer.toString(), err: (err as Error).message },
            "content fetch from peer failed",
          );
        }
      }
    }
    w.attempts++;
    const delay = Math.min(
      this.options.maxRetryMs,
      this.options.minRetryMs * 2 ** Math.min(w.attempts - 1, 30),
    );
    w.nextAt = Date.now() + delay;
    this.logger?.info(
      {
        content: w.hex,
        peers: peers.length,
        attempts: w.attempts,
        retryInMs: delay,
        pending: this.wants.size,
      },
      "content not available from connected peers yet",
    );
  }
}

/** The peers starting at a different one each round, so one slow or bad peer is not always first. */
function rotate(peers: PeerId[], by: number): PeerId[] {
  if (peers.length === 0) return peers;
  const k = by % peers.length;
  return [...peers.slice(k), ...peers.slice(0, k)];
}
