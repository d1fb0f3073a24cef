// Executes a decided block: FinalizeBlock, one atomic batch with the block, its commit, results
// and tx index entries, then the app's Commit and the mempool update. CometBFT's order: if the
// process dies between the batch and the app's commit, the handshake replays the block.
import type { ExecTxResult, ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import type { Commit } from "cosmjs-types/tendermint/types/types";
import type { Application } from "../app/application.js";
import type { Logger } from "../logger.js";
import type { Mempool } from "../mempool/mempool.js";
import type { NodeMetrics } from "../metrics.js";
import type { CommittedBlockEvent } from "../rpc/backend.js";
import { txHash } from "../rpc/encoding.js";
import type { BlockStore, StoredBlock } from "../store/block-store.js";
import type { BatchOps, Db } from "../store/db.js";
import type { TxIndex } from "../store/tx-index.js";
import { encodeExecTxResult } from "../types/exec-tx-result.js";
import { timestampToNanos } from "./block-builder.js";
import { misbehaviorOf } from "./misbehavior.js";

/** Adds records derived from a block's txs to the block's atomic batch (e.g. the content store). */
export interface BlockBatchHook {
  blockOps(txs: readonly Uint8Array[], results: readonly ExecTxResult[]): BatchOps;
}

export interface ExecutorDeps {
  app: Application;
  db: Db;
  blockStore: BlockStore;
  txIndex: TxIndex;
  mempool?: Mempool;
  metrics?: NodeMetrics;
  logger?: Logger;
  /** Their ops join each block's batch, after the block's own records. */
  batchHooks?: readonly BlockBatchHook[];
}

export class BlockExecutor {
  private readonly listeners = new Set<(e: CommittedBlockEvent) => void>();

  constructor(private readonly deps: ExecutorDeps) {}

  subscribe(listener: (e: CommittedBlockEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs the block through the app; does not store anything. */
  finalize(stored: StoredBlock): ResponseFinalizeBlock {
    const header = stored.block.header!;
    const result = this.deps.app.finalizeBlock({
      height: header.height,
      timeNs: timestampToNanos(header.time),
      txs: stored.block.data?.txs ?? [],
      hash: stored.blockId.hash,
      proposerAddress: header.proposerAddress,
      misbehavior: misbehaviorOf(stored.block),
    });
    return {
      events: result.events,
      txResults: result.txResults,
      validatorUpdates: result.validatorUpdates.map((u) => ({
        pubKey: { ed25519: u.pubKey },
        power: u.power,
      })),
      consensusParamUpdates: undefined,
      appHash: result.appHash,
    };
  }

  /** Finalizes, stores and commits a new block. */
  async apply(
    stored: StoredBlock,
    blockBytes: Uint8Array,
    seenCommit: Commit,
    /** Consensus state derived from the results, written in the same batch (next validator sets). */
    stateOps?: (results: ResponseFinalizeBlock) => BatchOps,
  ): Promise<ResponseFinalizeBlock> {
    const started = performance.now();
    const { db, blockStore, txIndex, app, mempool, metrics } = this.deps;
    const results = this.finalize(stored);
    const height = stored.block.header!.height;
    const txs = stored.block.data?.txs ?? [];
    // Each tx result is stored twice (block results, tx index): encode it once for both.
    const resultBytes = results.txResults.map(encodeExecTxResult);
    const hashes = txs.map(txHash);
    // One atomic batch, filled as records are made: a chained batch copies each entry into
    // LevelDB's write batch at once, so a big block's tx records do not all stay alive on the JS
    // heap until the write.
    const batch = db.batch();
    try {
      putAll(batch, blockStore.saveOps(stored, blockBytes, seenCommit, results, resultBytes));
      const index = txIndex.blockWriter(height);
      for (let i = 0; i < txs.length; i++) {
        const result = results.txResults[i]!;
        putAll(
          batch,
          index.add({ tx: txs[i]!, index: i, result, resultBytes: resultBytes[i], hash: hashes[i] }),
        );
      }
      putAll(batch, index.finish());
      for (const hook of this.deps.batchHooks ?? []) putAll(batch, hook.blockOps(txs, results.txResults));
      if (stateOps) putAll(batch, stateOps(results));
    } catch (err) {
      await batch.close();
      throw err;
    }
    await batch.write();
    blockStore.saved(stored);
    await app.commit();
    if (mempool) {
      mempool.update(txs, hashes);
      metrics?.mempoolSize.set(mempool.size);
    }
    if (metrics) {
      metrics.height.set(Number(height));
      metrics.txs.inc(txs.length);
      metrics.failedTxs.inc(results.txResults.filter((r) => r.code !== 0).length);
      metrics.finalizeSeconds.observe((performance.now() - started) / 1000);
    }
    const event = { block: stored.block, blockId: stored.blockId, resultFinalizeBlock: results };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.deps.logger?.error({ err }, "block listener failed");
      }
    }
    return results;
  }
}

function putAll(batch: ReturnType<Db["batch"]>, ops: BatchOps): void {
  for (const op of ops) {
    if (op.type === "put") batch.put(op.key, op.value);
    else batch.del(op.key);
  }
}
