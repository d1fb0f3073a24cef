// The block store: blocks, their metas and seen commits, and FinalizeBlock results, by height,
// with a hash → height index. A block and its results are written in one atomic batch before
// the application commits (CometBFT's order), so a restart can always replay the gap.
import { BinaryWriter } from "cosmjs-types/binary";
import { Event, ResponseFinalizeBlock, ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import { Block } from "cosmjs-types/tendermint/types/block";
import { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import { type BlockID, BlockMeta, Commit } from "cosmjs-types/tendermint/types/types";
import { type BatchOps, type Db, DbPrefix, prefixed, readU64be, u64be } from "./db.js";

const HEIGHT_KEY = prefixed(DbPrefix.Meta, new TextEncoder().encode("blockstore/height"));

export interface StoredBlock {
  block: Block;
  blockId: BlockID;
}

export class BlockStore {
  private latest = 0n;
  private readonly recent = new Map<bigint, StoredBlock>();

  private constructor(private readonly db: Db) {}

  static async open(db: Db): Promise<BlockStore> {
    const store = new BlockStore(db);
    const raw = await db.get(HEIGHT_KEY);
    store.latest = raw ? readU64be(raw) : 0n;
    return store;
  }

  /** Height of the last stored block, 0 before the first. */
  get height(): bigint {
    return this.latest;
  }

  /** Lowest stored height (no pruning yet: 1 once a block exists). */
  get base(): bigint {
    return this.latest > 0n ? 1n : 0n;
  }

  /** The ops that store one block; call saved() once they are written. */
  saveOps(
    stored: StoredBlock,
    blockBytes: Uint8Array,
    seenCommit: Commit,
    results: ResponseFinalizeBlock,
    /** ExecTxResult.encode of each tx result, when the caller has them already. */
    txResultBytes?: readonly Uint8Array[],
  ): BatchOps {
    const { block, blockId } = stored;
    const height = block.header!.height;
    if (height !== this.latest + 1n) throw new Error(`storing block ${height} after block ${this.latest}`);
    const h = u64be(height);
    const meta = BlockMeta.encode({
      blockId,
      blockSize: BigInt(blockBytes.length),
      header: block.header,
      numTxs: BigInt(block.data?.txs.length ?? 0),
    }).finish();
    return [
      { type: "put", key: prefixed(DbPrefix.Block, h), value: blockBytes },
      { type: "put", key: prefixed(DbPrefix.BlockMeta, h), value: meta },
      { type: "put", key: prefixed(DbPrefix.BlockHash, blockId.hash), value: h },
      { type: "put", key: prefixed(DbPrefix.SeenCommit, h), value: Commit.encode(seenCommit).finish() },
      {
        type: "put",
        key: prefixed(DbPrefix.BlockResults, h),
        value: txResultBytes
          ? encodeFinalizeBlock(results, txResultBytes)
          : ResponseFinalizeBlock.encode(results).finish(),
      },
      { type: "put", key: HEIGHT_KEY, value: h },
    ];
  }

  saved(stored: StoredBlock): void {
    this.latest = stored.block.header!.height;
    this.recent.set(this.latest, stored);
    if (this.recent.size > 64) this.recent.delete(this.recent.keys().next().value!);
  }

  async block(height: bigint): Promise<StoredBlock | undefined> {
    if (height < 1n || height > this.latest) return undefined;
    const cached = this.recent.get(height);
    if (cached) return cached;
    const [raw, meta] = await Promise.all([
      this.db.get(prefixed(DbPrefix.Block, u64be(height))),
      this.meta(height),
    ]);
    if (!raw || !meta?.blockId) return undefined;
    return { block: Block.decode(raw), blockId: meta.blockId };
  }

  /** The block's proto bytes exactly as stored (what its part set was made from). */
  async blockBytes(height: bigint): Promise<Uint8Array | undefined> {
    if (height < 1n || height > this.latest) return undefined;
    return this.db.get(prefixed(DbPrefix.Block, u64be(height)));
  }

  async meta(height: bigint): Promise<BlockMeta | undefined> {
    if (height < 1n || height > this.latest) return undefined;
    const raw = await this.db.get(prefixed(DbPrefix.BlockMeta, u64be(height)));
    return raw ? BlockMeta.decode(raw) : undefined;
  }

  async heightOf(hash: Uint8Array): Promise<bigint | undefined> {
    const raw = await this.db.get(prefixed(DbPrefix.BlockHash, hash));
    return raw ? readU64be(raw) : undefined;
  }

  async seenCommit(height: bigint): Promise<Commit | undefined> {
    const raw = await this.db.get(prefixed(DbPrefix.SeenCommit, u64be(height)));
    return raw ? Commit.decode(raw) : undefined;
  }

  /** The commit for a height: the next block's last_commit, or the seen commit at the tip. */
  async commit(height: bigint): Promise<{ commit: Commit; canonical: boolean } | undefined> {
    const next = await this.block(height + 1n);
    if (next?.block.lastCommit) return { commit: next.block.lastCommit, canonical: true };
    const seen = await this.seenCommit(height);
    return seen ? { commit: seen, canonical: false } : undefined;
  }

  async results(height: bigint): Promise<ResponseFinalizeBlock | undefined> {
    const raw = await this.db.get(prefixed(DbPrefix.BlockResults, u64be(height)));
    return raw ? ResponseFinalizeBlock.decode(raw) : undefined;
  }
}

/**
 * ResponseFinalizeBlock.encode(results) with the tx results already encoded: each is written as
 * the same length-delimited field 2 that encoding it in place produces.
 */
export function encodeFinalizeBlock(
  results: ResponseFinalizeBlock,
  txResultBytes: readonly Uint8Array[],
): Uint8Array {
  if (txResultBytes.length !== results.txResults.length) {
    throw new Error(`${txResultBytes.length} encoded tx results for ${results.txResults.length} txs`);
  }
  const w = BinaryWriter.create();
  for (const v of results.events) Event.encode(v, w.uint32(10).fork()).ldelim();
  for (const b of txResultBytes) w.uint32(18).bytes(b);
  for (const v of results.validatorUpdates) ValidatorUpdate.encode(v, w.uint32(26).fork()).ldelim();
  if (results.consensusParamUpdates !== undefined) {
    ConsensusParams.encode(results.consensusParamUpdates, w.uint32(34).fork()).ldelim();
  }
  if (results.appHash.length !== 0) w.uint32(42).bytes(results.appHash);
  return w.finish();
}
