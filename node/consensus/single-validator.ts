// Block production with one validator: every interval, reap the mempool, build the block,
// sign its precommit with the validator key and apply it. The multi-validator BFT engine
// replaces this loop and keeps the block builder, executor and stores unchanged.
import type { Commit } from "cosmjs-types/tendermint/types/types";
import type { Application } from "../app/application.js";
import type { GenesisDoc } from "../genesis/genesis-doc.js";
import type { Logger } from "../logger.js";
import type { Mempool } from "../mempool/mempool.js";
import type { NodeMetrics } from "../metrics.js";
import type { BlockStore } from "../store/block-store.js";
import { bytesEqual } from "../store/committed-store.js";
import { resultsHash } from "../types/block.js";
import type { Ed25519Key } from "../types/ed25519.js";
import { nowTimestamp } from "../types/time.js";
import { buildBlock, emptyCommit, nanosToTimestamp, signCommit, timestampToNanos } from "./block-builder.js";
import type { BlockExecutor } from "./block-executor.js";

export interface ProducerDeps {
  genesis: GenesisDoc;
  key: Ed25519Key;
  app: Application;
  mempool: Mempool;
  blockStore: BlockStore;
  executor: BlockExecutor;
  blockIntervalMs: number;
  logger?: Logger;
  metrics?: NodeMetrics;
}

/** Room left in a block for the header, commit and protobuf framing. */
const BLOCK_OVERHEAD_BYTES = 16_384n;

export class SingleValidatorProducer {
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private stopped = true;
  private lastCommit: Commit = emptyCommit();
  private lastResultsHash = resultsHash([]);
  private lastBlockAt = 0;

  constructor(private readonly deps: ProducerDeps) {
    const vals = deps.genesis.validators;
    if (vals.length !== 1 || !bytesEqual(vals[0]!.pubKey, deps.key.pubKey)) {
      throw new Error("single-validator mode needs a genesis whose only validator is this node's key");
    }
  }

  /** Loads the tip: the last block's commit and results feed the next header. */
  async init(): Promise<void> {
    const height = this.deps.blockStore.height;
    if (height === 0n) return;
    const commit = await this.deps.blockStore.seenCommit(height);
    const results = await this.deps.blockStore.results(height);
    if (!commit || !results) throw new Error(`block store lacks the commit or results of block ${height}`);
    this.lastCommit = commit;
    this.lastResultsHash = resultsHash(results.txResults);
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
  }

  /** Resolves when no block is being applied (mempool admission waits for it, as CometBFT locks). */
  async idle(): Promise<void> {
    await this.current;
  }

  private schedule(): void {
    if (this.stopped) return;
    const wait = Math.max(0, this.lastBlockAt + this.deps.blockIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.current = this.produce()
        .catch((err) => {
          this.deps.logger?.fatal({ err }, "block production failed; stopping");
          this.stopped = true;
          process.exitCode = 1;
        })
        .finally(() => {
          this.current = undefined;
          this.schedule();
        });
    }, wait);
  }

  /** Builds, signs and applies the next block. */
  async produce(): Promise<void> {
    const { genesis, key, app, mempool, blockStore, executor } = this.deps;
    const height = blockStore.height + 1n;
    const previous = height > genesis.initialHeight ? await blockStore.block(height - 1n) : undefined;
    // BFT time with one validator: the block takes its last precommit's timestamp.
    const time = previous ? this.lastCommit.signatures[0]!.timestamp! : genesis.genesisTime;
    const maxTxBytes = Number(genesis.maxBytes - BLOCK_OVERHEAD_BYTES);
    const txs = app.prepareProposal(mempool.reap(maxTxBytes), maxTxBytes);
    const built = buildBlock({
      chainId: genesis.chainId,
      height,
      time,
      lastBlockId: previous?.blockId,
      lastCommit: previous ? this.lastCommit : emptyCommit(),
      txs,
      validators: genesis.validators,
      nextValidators: genesis.validators,
      maxBytes: genesis.maxBytes,
      maxGas: genesis.maxGas,
      appHash: app.info().lastBlockAppHash,
      lastResultsHash: this.lastResultsHash,
      proposerAddress: key.address,
    });
    const nowNs = timestampToNanos(nowTimestamp());
    const voteTime = nanosToTimestamp(bigMax(nowNs, timestampToNanos(time) + 1_000_000n));
    const commit = signCommit(genesis.chainId, height, built.blockId, voteTime, key);
    const results = await executor.apply({ block: built.block, blockId: built.blockId }, built.bytes, commit);
    this.lastCommit = commit;
    this.lastResultsHash = resultsHash(results.txResults);
    const now = Date.now();
    if (this.lastBlockAt > 0) this.deps.metrics?.blockInterval.observe((now - this.lastBlockAt) / 1000);
    this.lastBlockAt = now;
    this.deps.logger?.info(
      { height: height.toString(), txs: txs.length, mempool: mempool.size },
      "committed block",
    );
  }
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
