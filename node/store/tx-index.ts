// Tx index in the style of CometBFT's kv indexer, with one event record per block and value:
//   0x07 ‖ sha256(tx)                                       → abci TxResult {height, index, tx, result}
//   0x0E ‖ "type.key" ‖ 0x00 ‖ value ‖ 0x00 ‖ u64be(height) → n × (u32be(index) ‖ sha256(tx))
// One event record per distinct indexed attribute value of a block (tx-index-block.ts), plus the
// implicit tx.height, whose value is u64be(height) so that height ranges are key ranges. tx.hash
// is answered from the 0x07 records.
import { TxResult } from "cosmjs-types/tendermint/abci/types";
import type { Logger } from "../logger.js";
import { toHexUpper } from "../rpc/encoding.js";
import { paginate, parseOrderBy } from "../rpc/paging.js";
import { type Condition, eventMap, matchesEvents, matchValue, type Query } from "../rpc/query.js";
import { type BatchOps, type Db, DbPrefix, prefixed, readU64be, u32be, u64be } from "./db.js";
import { type Bytes, keyToString, prefixEnd } from "./kv.js";
import {
  BlockIndexWriter,
  ENTRY_LEN,
  eventKeyPrefix,
  HASH_KEY,
  HEIGHT_KEY,
  HEIGHT_SUFFIX_LEN,
  type IndexedTx,
} from "./tx-index-block.js";
import { migrateTxEventIndex } from "./tx-index-migrate.js";

export { BlockIndexWriter, encodeTxResult, type IndexedTx } from "./tx-index-block.js";

export interface SearchOptions {
  page?: number;
  perPage?: number;
  orderBy?: string;
}

export interface SearchResult {
  txs: TxResult[];
  totalCount: number;
}

/** What the RPC layer reads. */
export interface TxIndexReader {
  get(hash: Bytes): Promise<TxResult | undefined>;
  search(query: Query, opts?: SearchOptions): Promise<SearchResult>;
}

const SEP = Uint8Array.of(0);
/** Below this many candidates the remaining conditions are checked on the records, not scanned. */
const FILTER_ON_RECORDS_BELOW = 256;
const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/** Position (height, index) as a 12-byte binary string: sorts like (height, index). */
type Pos = string;
/** Candidates: position → tx hash. */
type Hits = Map<Pos, Bytes>;

const POS_LEN = 12;

function posOf(height: bigint, index: number): Bytes {
  const out = new Uint8Array(POS_LEN);
  out.set(u64be(height), 0);
  out.set(u32be(index), 8);
  return out;
}

export class TxIndex implements TxIndexReader {
  constructor(private readonly db: Db) {}

  /** The index of a node's db, first moving entries of the retired layout (0x08) if it has any. */
  static async open(db: Db, logger?: Logger): Promise<TxIndex> {
    const moved = await migrateTxEventIndex(db, (n) =>
      logger?.info({ moved: n }, "moving the tx event index to per-block records"),
    );
    if (moved > 0) logger?.info({ moved }, "tx event index moved to per-block records");
    return new TxIndex(db);
  }

  /** Indexes one block, tx by tx (block-executor.ts); its ops go in the block's atomic batch. */
  blockWriter(height: bigint): BlockIndexWriter {
    return new BlockIndexWriter(height);
  }

  /** The puts that index one block's txs (in block order); write them in the block's atomic batch. */
  indexOps(height: bigint, txs: readonly IndexedTx[]): BatchOps {
    const writer = new BlockIndexWriter(height);
    const ops: BatchOps = [];
    for (const tx of txs) ops.push(...writer.add(tx));
    ops.push(...writer.finish());
    return ops;
  }

  async get(hash: Bytes): Promise<TxResult | undefined> {
    const raw = await this.db.get(prefixed(DbPrefix.TxHash, hash));
    return raw ? TxResult.decode(raw) : undefined;
  }

  async search(query: Query, opts: SearchOptions = {}): Promise<SearchResult> {
    const order = parseOrderBy(opts.orderBy);
    const conds = [...query.conditions].sort((a, b) => cost(a) - cost(b));
    let hits: Hits | undefined;
    const records = new Map<Pos, TxResult>();
    for (const cond of conds) {
      if (hits && hits.size === 0) break;
      if (hits && hits.size < FILTER_ON_RECORDS_BELOW) {
        hits = await this.filterOnRecords(hits, cond, records);
      } else {
        const found = await this.scan(cond);
        hits = hits ? intersect(hits, found) : found;
      }
    }
    const positions = [...(hits ?? new Map()).keys()].sort();
    if (order === "desc") positions.reverse();
    const { skip, perPage } = paginate(positions.length, opts.page, opts.perPage);
    const txs: TxResult[] = [];
    for (const pos of positions.slice(skip, skip + perPage)) {
      const rec = records.get(pos) ?? (await this.get(hits!.get(pos)!));
      if (rec) txs.push(rec);
    }
    return { txs, totalCount: positions.length };
  }

  private async filterOnRecords(hits: Hits, cond: Condition, cache: Map<Pos, TxResult>): Promise<Hits> {
    const out: Hits = new Map();
    for (const [pos, hash] of hits) {
      let rec = cache.get(pos);
      if (!rec) {
        rec = await this.get(hash);
        if (!rec) continue;
        cache.set(pos, rec);
      }
      const events = eventMap(rec.result.events, { indexedOnly: true });
      events[HEIGHT_KEY] = [rec.height.toString()];
      events[HASH_KEY] = [toHexUpper(hash)];
      if (matchesEvents({ text: "", conditions: [cond] }, events)) out.set(pos, hash);
    }
    return out;
  }

  /** All positions satisfying one condition, from the index alone. */
  private async scan(cond: Condition): Promise<Hits> {
    if (cond.key === HASH_KEY) return this.scanHash(cond);
    const prefix = eventKeyPrefix(cond.key);
    const isHeight = cond.key === HEIGHT_KEY;
    const out: Hits = new Map();
    let gte = prefix;
    let lt = prefixEnd(prefix)!;
    if (isHeight) {
      const range = heightRange(cond);
      if (range === null) return out;
      if (range) {
        gte = prefixed(DbPrefix.TxEventBlock, prefix.subarray(1), u64be(range[0]));
        if (range[1] < 0xffff_ffff_ffff_ffffn)
          lt = prefixed(DbPrefix.TxEventBlock, prefix.subarray(1), u64be(range[1] + 1n));
      }
    } else if (cond.op === "=" && cond.operand?.kind === "string") {
      gte = prefixed(DbPrefix.TxEventBlock, prefix.subarray(1), utf8.encode(cond.operand.value), SEP);
      lt = prefixEnd(gte)!;
    }
    for await (const [key, entries] of this.db.iterator({ gte, lt })) {
      if (key.length < prefix.length + HEIGHT_SUFFIX_LEN || entries.length % ENTRY_LEN !== 0) continue;
      const valueBytes = key.subarray(prefix.length, key.length - HEIGHT_SUFFIX_LEN);
      if (isHeight) {
        if (valueBytes.length !== 8) continue;
        if (!range(cond) && !matchValue(cond, readU64be(valueBytes).toString())) continue;
      } else {
        if (!matchValue(cond, utf8d.decode(valueBytes))) continue;
      }
      const height = key.subarray(key.length - 8);
      for (let at = 0; at < entries.length; at += ENTRY_LEN) {
        const pos = keyToString(height) + keyToString(entries.subarray(at, at + 4));
        out.set(pos, entries.subarray(at + 4, at + ENTRY_LEN));
      }
    }
    return out;
  }

  private async scanHash(cond: Condition): Promise<Hits> {
    const out: Hits = new Map();
    const add = (rec: TxResult, hash: Bytes) => out.set(keyToString(posOf(rec.height, rec.index)), hash);
    if (cond.op === "=" && cond.operand) {
      const hex = cond.operand.value;
      if (!/^(?:[0-9a-fA-F]{2}){32}$/.test(hex)) return out;
      const hash = new Uint8Array(Buffer.from(hex, "hex"));
      const rec = await this.get(hash);
      if (rec) add(rec, hash);
      return out;
    }
    const gte = Uint8Array.of(DbPrefix.TxHash);
    for await (const [key, value] of this.db.iterator({ gte, lt: prefixEnd(gte)! })) {
      const hash = key.subarray(1);
      if (cond.op === "EXISTS" || matchValue(cond, toHexUpper(hash))) add(TxResult.decode(value), hash);
    }
    return out;
  }
}

/** Whether heightRange fully decides the condition (no per-entry check needed). */
function range(cond: Condition): boolean {
  return cond.op !== "CONTAINS" && cond.op !== "EXISTS";
}

/**
 * The inclusive height bounds a tx.height condition selects; undefined: scan all heights and
 * check each; null: nothing can match.
 */
function heightRange(cond: Condition): [bigint, bigint] | null | undefined {
  if (!range(cond) || !cond.operand) return undefined;
  const text = cond.operand.value;
  if (!/^-?\d+(?:\.\d+)?$/.test(text)) return null; // 'abc' never equals a height
  const [intPart, frac = ""] = text.split(".") as [string, string?];
  const floor = BigInt(intPart) - (intPart.startsWith("-") && /[1-9]/.test(frac) ? 1n : 0n);
  const isInt = !/[1-9]/.test(frac);
  const ceil = isInt ? floor : floor + 1n;
  const MAX = 0xffff_ffff_ffff_ffffn;
  let lo = 0n;
  let hi = MAX;
  switch (cond.op) {
    case "=":
      if (!isInt) return null;
      lo = hi = floor;
      break;
    case ">":
      lo = floor + 1n;
      break;
    case ">=":
      lo = ceil;
      break;
    case "<":
      hi = ceil - 1n;
      break;
    case "<=":
      hi = floor;
      break;
  }
  if (lo < 0n) lo = 0n;
  if (hi > MAX) hi = MAX;
  return lo > hi ? null : [lo, hi];
}

function cost(cond: Condition): number {
  if (cond.key === HASH_KEY) return cond.op === "=" ? 0 : 9;
  if (cond.key === HEIGHT_KEY) return cond.op === "=" ? 1 : range(cond) ? 3 : 8;
  return cond.op === "=" && cond.operand?.kind === "string" ? 2 : 5;
}

function intersect(a: Hits, b: Hits): Hits {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  const out: Hits = new Map();
  for (const [pos, hash] of small) if (big.has(pos)) out.set(pos, hash);
  return out;
}
