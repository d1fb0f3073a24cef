// The node's one LevelDB. Every record lives under a one-byte prefix from DbPrefix; the numbers
// are part of the on-disk format: never reuse a retired one.
import { Level } from "level";
import type { Bytes } from "./kv.js";

export enum DbPrefix {
  /** Small records by name: app commit info, block store height (see meta keys below). */
  Meta = 0x01,
  /** Committed application state: 0x02 ‖ store name ‖ 0x00 ‖ key → value. */
  State = 0x02,
  /** Block by height: 0x03 ‖ u64be(height) → StoredBlock. */
  Block = 0x03,
  /** Height by block hash: 0x04 ‖ hash → u64be(height). */
  BlockHash = 0x04,
  /** Seen commit for a height: 0x05 ‖ u64be(height) → Commit. */
  SeenCommit = 0x05,
  /** FinalizeBlock results by height: 0x06 ‖ u64be(height) → results. */
  BlockResults = 0x06,
  /** Tx location by hash: 0x07 ‖ sha256(tx) → TxRecord. */
  TxHash = 0x07,
  /**
   * Retired: the tx event index with one entry per tx and attribute,
   * 0x08 ‖ event.attr ‖ 0x00 ‖ value ‖ 0x00 ‖ u64be(height) ‖ u32be(index) → hash. A home that
   * still has such entries is moved to 0x0E at start (tx-index-migrate.ts).
   */
  RetiredTxEvent = 0x08,
  /** Block meta (block id, size, header, tx count) by height: 0x09 ‖ u64be(height) → BlockMeta. */
  BlockMeta = 0x09,
  /**
   * Content store (node/content/), by content sha256: 0x0A ‖ 0x00 ‖ sha256 → ContentManifest;
   * 0x0A ‖ 0x01 ‖ sha256 ‖ u32be(chunk index) → chunk bytes.
   */
  Content = 0x0a,
  /**
   * Validator set (with proposer priorities) of a height, written with the block two heights below
   * it: 0x0B ‖ u64be(height) → tendermint.types.ValidatorSet (node/consensus/bft/validator-history.ts).
   */
  ValidatorSet = 0x0b,
  /** Committed evidence: 0x0C ‖ u64be(height) ‖ validator address → empty (evidence-pool.ts). */
  Evidence = 0x0c,
  /**
   * Reverse diff of a committed height, for queries and proofs at recent past heights
   * (state-history.ts): 0x0D ‖ u64be(height) → the values the block's writes replaced. Written in
   * the block's batch; the record pruning-keep-recent heights below is deleted in the same batch.
   */
  StateHistory = 0x0d,
  /**
   * Tx event index, one record per block and distinct indexed attribute value (tx-index-block.ts):
   * 0x0E ‖ event.attr ‖ 0x00 ‖ value ‖ 0x00 ‖ u64be(height) → n × (u32be(index) ‖ sha256(tx)).
   */
  TxEventBlock = 0x0e,
}

export type Db = Level<Bytes, Bytes>;

export interface PutOp {
  type: "put";
  key: Bytes;
  value: Bytes;
}
export interface DelOp {
  type: "del";
  key: Bytes;
}
/** The operations of one atomic LevelDB batch. */
export type BatchOps = Array<PutOp | DelOp>;

export async function openDb(path: string): Promise<Db> {
  const db = new Level<Bytes, Bytes>(path, { keyEncoding: "view", valueEncoding: "view" });
  try {
    await db.open();
  } catch (err) {
    const cause = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
    const locked = /lock/i.test(cause);
    throw new Error(
      locked
        ? `cannot open the database ${path}: another process holds it (is a node already running on this home?)`
        : `cannot open the database ${path}: ${cause}`,
    );
  }
  return db;
}

export function u64be(n: bigint): Bytes {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

export function readU64be(b: Bytes, offset = 0): bigint {
  return new DataView(b.buffer, b.byteOffset + offset, 8).getBigUint64(0);
}

export function u32be(n: number): Bytes {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

export function prefixed(prefix: DbPrefix, ...parts: Bytes[]): Bytes {
  let length = 1;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  out[0] = prefix;
  let offset = 1;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
