// A light client (CometBFT light/client.go): from one trusted header (height + hash, obtained out of
// band) it verifies any later header sequentially (every height, adjacent rules) or by skipping
// (bisection: try the target, and on "cannot be trusted" halve the gap), and earlier headers
// backwards through last_block_id. It trusts the RPC node for nothing.
import { headerHash } from "../node/types/header.js";
import { verifyCommitLight } from "../node/types/validation.js";
import {
  HeaderExpiredError,
  InvalidCommitError,
  InvalidCommitSignatureError,
  LightOptionsError,
  NewValSetCantBeTrustedError,
  NotEnoughVotingPowerError,
  ProviderError,
  TrustedHashMismatchError,
} from "./errors.js";
import type { RpcProvider } from "./provider.js";
import {
  DEFAULT_MAX_CLOCK_DRIFT_NS,
  DEFAULT_TRUST_LEVEL,
  DEFAULT_TRUSTING_PERIOD_NS,
  type LightBlock,
  type TrustLevel,
  timeNs,
  type VerifyOptions,
  validateLightBlock,
  validateTrustLevel,
  verifyAdjacent,
  verifyBackwards,
  verifyLightBlock,
} from "./verifier.js";

export interface LightClientOptions {
  chainId: string;
  trustedHeight: bigint;
  /** Hash of the header at trustedHeight (32 bytes). */
  trustedHash: Uint8Array;
  trustingPeriodNs?: bigint;
  maxClockDriftNs?: bigint;
  trustLevel?: TrustLevel;
  /** "skipping" (bisection, the default) or "sequential". */
  mode?: "skipping" | "sequential";
  /** Clock for expiry and drift checks, ns since the epoch (tests pass a fixed one). */
  now?: () => bigint;
  /**
   * Verified light blocks kept in memory (default 1000, as CometBFT's pruning size); beyond it the
   * earliest remembered are dropped, never the trusted one nor the latest. At least 2.
   */
  maxTrustedBlocks?: number;
}

const DEFAULT_MAX_TRUSTED_BLOCKS = 1000;

/** Where verified headers come from: the RPC provider, or anything with the same method. */
export type LightBlockSource = Pick<RpcProvider, "lightBlock">;

export class LightClient {
  /** Verified light blocks by height. */
  private readonly trusted = new Map<bigint, LightBlock>();
  private latestHeight: bigint;
  /** Light blocks fetched by the last verification (for tests and metrics). */
  fetched = 0;

  private constructor(
    readonly source: LightBlockSource,
    private readonly opts: Required<Omit<LightClientOptions, "trustedHash">>,
    anchor: LightBlock,
  ) {
    this.trusted.set(anchor.header.height, anchor);
    this.latestHeight = anchor.header.height;
  }

  /**
   * Fetches the header at the trusted height and checks it against the trusted hash, its own
   * commit (+2/3 of its validators) and the trusting period.
   */
  static async create(source: LightBlockSource, options: LightClientOptions): Promise<LightClient> {
    const opts = {
      chainId: options.chainId,
      trustedHeight: options.trustedHeight,
      trustingPeriodNs: options.trustingPeriodNs ?? DEFAULT_TRUSTING_PERIOD_NS,
      maxClockDriftNs: options.maxClockDriftNs ?? DEFAULT_MAX_CLOCK_DRIFT_NS,
      trustLevel: options.trustLevel ?? DEFAULT_TRUST_LEVEL,
      mode: options.mode ?? "skipping",
      now: options.now ?? (() => BigInt(Date.now()) * 1_000_000n),
      maxTrustedBlocks: options.maxTrustedBlocks ?? DEFAULT_MAX_TRUSTED_BLOCKS,
    };
    if (!Number.isSafeInteger(opts.maxTrustedBlocks) || opts.maxTrustedBlocks < 2) {
      throw new LightOptionsError(`maxTrustedBlocks must be an integer ≥ 2, got ${opts.maxTrustedBlocks}`);
    }
    if (!opts.chainId) throw new LightOptionsError("chain id is required");
    if (opts.trustedHeight <= 0n)
      throw new LightOptionsError(`trusted height must be positive, got ${opts.trustedHeight}`);
    if (options.trustedHash.length !== 32) {
      throw new LightOptionsError(`trusted hash must be 32 bytes, got ${options.trustedHash.length}`);
    }
    if (opts.trustingPeriodNs <= 0n) throw new LightOptionsError("trusting period must be positive");
    if (opts.maxClockDriftNs < 0n) throw new LightOptionsError("max clock drift must not be negative");
    validateTrustLevel(opts.trustLevel);
    const anchor = await source.lightBlock(opts.trustedHeight);
    if (anchor.header.height !== opts.trustedHeight) {
      throw new ProviderError(
        `asked for the light block at height ${opts.trustedHeight}, got ${anchor.header.height}`,
      );
    }
    const hash = headerHash(anchor.header);
    if (Buffer.compare(hash, options.trustedHash) !== 0) {
      throw new TrustedHashMismatchError(
        `header at height ${opts.trustedHeight} has hash ${hex(hash)}, not the trusted ${hex(options.trustedHash)}`,
      );
    }
    validateLightBlock(opts.chainId, anchor);
    const r = verifyCommitLight(
      opts.chainId,
      anchor.validators,
      anchor.commit.blockId,
      anchor.header.height,
      anchor.commit,
    );
    if (!r.ok) {
      const message = `trusted header's own commit: ${r.error}`;
      if (r.kind === "signature") throw new InvalidCommitSignatureError(message);
      if (r.kind === "power") throw new NotEnoughVotingPowerError(message);
      throw new InvalidCommitError(message);
    }
    if (timeNs(anchor.header) + opts.trustingPeriodNs <= opts.now()) {
      throw new HeaderExpiredError(
        `trusted header at height ${opts.trustedHeight} is outside the trusting period`,
      );
    }
    return new LightClient(source, opts, anchor);
  }

  get chainId(): string {
    return this.opts.chainId;
  }

  /** The newest verified light block. */
  latest(): LightBlock {
    return this.trusted.get(this.latestHeight)!;
  }

  private verifyOptions(): VerifyOptions {
    return {
      trustingPeriodNs: this.opts.trustingPeriodNs,
      maxClockDriftNs: this.opts.maxClockDriftNs,
      trustLevel: this.opts.trustLevel,
      nowNs: this.opts.now(),
    };
  }

  private async fetch(height: bigint): Promise<LightBlock> {
    this.fetched++;
    const lb = await this.source.lightBlock(height);
    // Any source, not only RpcProvider: a block for another height would break the height
    // arithmetic of bisection and backwards verification (a pivot answered with the target again
    // loops for ever).
    if (lb.header.height !== height) {
      throw new ProviderError(`asked for the light block at height ${height}, got ${lb.header.height}`);
    }
    return lb;
  }

  private remember(lb: LightBlock): void {
    this.trusted.set(lb.header.height, lb);
    if (lb.header.height > this.latestHeight) this.latestHeight = lb.header.height;
    // Bounded memory: drop the earliest remembered (insertion order), keeping the trust root and
    // the latest, so that a long-running client does not hold every header it ever verified.
    for (const h of this.trusted.keys()) {
      if (this.trusted.size <= this.opts.maxTrustedBlocks) break;
      if (h !== this.opts.trustedHeight && h !== this.latestHeight && h !== lb.header.height)
        this.trusted.delete(h);
    }
  }

  /** Verifies (if not yet verified) and returns the light block at `height`. */
  async verifyTo(height: bigint): Promise<LightBlock> {
    if (height <= 0n) throw new LightOptionsError(`height must be positive, got ${height}`);
    const known = this.trusted.get(height);
    if (known) return known;
    if (height < this.opts.trustedHeight) return this.verifyBackwardsTo(height);
    // The closest verified block below the target is the starting point.
    let from = this.trusted.get(this.opts.trustedHeight)!;
    for (const [h, lb] of this.trusted) if (h < height && h > from.header.height) from = lb;
    if (this.opts.mode === "sequential") return this.sequential(from, height);
    return this.skipping(from, height);
  }

  private async sequential(from: LightBlock, height: bigint): Promise<LightBlock> {
    let trusted = from;
    for (let h = from.header.height + 1n; h <= height; h++) {
      const next = await this.fetch(h);
      verifyAdjacent(trusted, next, this.verifyOptions());
      this.remember(next);
      trusted = next;
    }
    return trusted;
  }

  /** verifySkipping: bisection with pivot at the midpoint, as CometBFT (1/2). */
  private async skipping(from: LightBlock, height: bigint): Promise<LightBlock> {
    let verified = from;
    const cache: LightBlock[] = [await this.fetch(height)];
    let depth = 0;
    for (;;) {
      const candidate = cache[depth]!;
      try {
        verifyLightBlock(verified, candidate, this.verifyOptions());
      } catch (err) {
        if (!(err instanceof NewValSetCantBeTrustedError)) throw err;
        if (depth === cache.length - 1) {
          const pivot = verified.header.height + (candidate.header.height - verified.header.height) / 2n;
          cache.push(await this.fetch(pivot));
        }
        depth++;
        continue;
      }
      this.remember(candidate);
      if (depth === 0) return candidate;
      verified = candidate;
      cache.length = depth;
      depth = 0;
    }
  }

  private async verifyBackwardsTo(height: bigint): Promise<LightBlock> {
    let trusted = this.trusted.get(this.opts.trustedHeight)!;
    for (const [h, lb] of this.trusted) if (h > height && h < trusted.header.height) trusted = lb;
    for (let h = trusted.header.height - 1n; h >= height; h--) {
      const older = await this.fetch(h);
      verifyBackwards(older, trusted);
      this.remember(older);
      trusted = older;
    }
    return trusted;
  }
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex").toUpperCase();
}
