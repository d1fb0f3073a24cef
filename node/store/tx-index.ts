// Tx index in the style of CometBFT's kv indexer.
//   0x07 ‖ sha256(tx)                                          → abci TxResult {height, index, tx, result}
//   0x08 ‖ "type.key" ‖ 0x00 ‖ value ‖ 0x00 ‖ u64be(h) ‖ u32be(i) → sha256(tx)
// One event entry per attribute with index=true, plus the implicit tx.height, whose value is
// u64be(height) so that height ranges are key ranges. tx.hash is answered from the 0x07 records.
import { BinaryWriter } from "cosmjs-types/binary";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { TxResult } from "cosmjs-types/tendermint/abci/types";
import { toHexUpper, txHash } from "../rpc/encoding.js";
import { paginate, parseOrderBy } from "../rpc/paging.js";
import { type Condition, eventMap, matchesEvents, matchValue, type Query } from "../rpc/query.js";
import { type BatchOps, type Db, DbPrefix, prefixed, readU64be, u32be, u64be } from "./db.js";
import { type Bytes, keyToString, prefixEnd, utf8Bytes } from "./kv.js";

export interface IndexedTx {
  tx: Bytes;
  index: number;
  result: ExecTxResult;
  /** ExecTxResult.encode(result), when the caller has it already (the block store needs it too). */
  resultBytes?: Bytes;
}

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

const HEIGHT_KEY = "tx.height";
const HASH_KEY = "tx.hash";
const SEP = Uint8Array.of(0);
const POS_LEN = 12;
/** Below this many candidates the remaining conditions are checked on the records, not scanned. */
const FILTER_ON_RECORDS_BELOW = 256;
const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/** Position (height, index) as a 12-byte binary string: sorts like (height, index). */
type Pos = string;
/** Candidates: position → tx hash. */
type Hits = Map<Pos, Bytes>;

/** TxResult.encode({height, index, tx, result}) around an already encoded result: the same bytes. */
export function encodeTxResult(height: bigint, index: number, tx: Bytes, resultBytes: Bytes): Bytes {
  const w = BinaryWriter.create();
  if (height !== 0n) w.uint32(8).int64(height);
  if (index !== 0) w.uint32(16).uint32(index);
  if (tx.length !== 0) w.uint32(26).bytes(tx);
  return w.uint32(34).bytes(resultBytes).finish();
}

function keyPrefix(compositeKey: string): Bytes {
  return prefixed(DbPrefix.TxEvent, utf8.encode(compositeKey), SEP);
}

/** keyPrefix of the few composite keys events use, remembered (bounded): every tx indexes them. */
const prefixCache = new Map<string, Bytes>();

function eventKeyPrefix(compositeKey: string): Bytes {
  let prefix = prefixCache.get(compositeKey);
  if (!prefix) {
    prefix = keyPrefix(compositeKey);
    if (prefixCache.size >= 1024) prefixCache.delete(prefixCache.keys().next().value!);
    prefixCache.set(compositeKey, prefix);
  }
  return prefix;
}

function posOf(height: bigint, index: number): Bytes {
  const out = new Uint8Array(POS_LEN);
  out.set(u64be(height), 0);
  out.set(u32be(index), 8);
  return out;
}

export class TxIndex implements TxIndexReader {
  constructor(private readonly db: Db) {}

  /** The puts that index one block's txs; write them in the block's atomic batch. */
  indexOps(height: bigint, txs: readonly IndexedTx[]): BatchOps {
    const ops: BatchOps = [];
    const heightValue = u64be(height);
    for (const { tx, index, result, resultBytes } of txs) {
      const hash = txHash(tx);
      const pos = posOf(height, index);
      const record = resultBytes
        ? encodeTxResult(height, index, tx, resultBytes)
        : TxResult.encode({ height, index, tx, result }).finish();
      ops.push({ type: "put", key: prefixed(DbPrefix.TxHash, hash), value: record });
      const put = (prefix: Bytes, value: Bytes) => {
        const k = new Uint8Array(prefix.length + value.length + 1 + POS_LEN);
        k.set(prefix, 0);
        k.set(value, prefix.length);
        k[prefix.length + value.length] = 0;
        k.set(pos, prefix.length + value.length + 1);
        ops.push({ type: "put", key: k, value: hash });
      };
      put(eventKeyPrefix(HEIGHT_KEY), heightValue);
      for (const [key, values] of Object.entries(eventMap(result.events, { indexedOnly: true }))) {
        if (key === HEIGHT_KEY || key === HASH_KEY || key.includes("\0")) continue;
        const prefix = eventKeyPrefix(key);
        if (values.length === 1) {
          put(prefix, utf8Bytes(values[0]!));
          continue;
        }
        // A composite key holds no 0 byte, so entry keys can repeat only within one key's values:
        // write each distinct value once.
        const seen = new Set<string>();
        for (const v of values) {
          const bytes = utf8Bytes(v);
          const ks = keyToString(bytes);
          if (seen.has(ks)) continue;
          seen.add(ks);
          put(prefix, bytes);
        }
      }
    }
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
    const prefix = keyPrefix(cond.key);
    const isHeight = cond.key === HEIGHT_KEY;
    const out: Hits = new Map();
    let gte = prefix;
    let lt = prefixEnd(prefix)!;
    if (isHeight) {
      const range = heightRange(cond);
      if (range === null) return out;
      if (range) {
        gte = prefixed(DbPrefix.TxEvent, prefix.subarray(1), u64be(range[0]));
        if (range[1] < 0xffff_ffff_ffff_ffffn)
          lt = prefixed(DbPrefix.TxEvent, prefix.subarray(1), u64be(range[1] + 1n));
      }
    } else if (cond.op === "=" && cond.operand?.kind === "string") {
      gte = prefixed(DbPrefix.TxEvent, prefix.subarray(1), utf8.encode(cond.operand.value), SEP);
      lt = prefixEnd(gte)!;
    }
    for await (const [key, hash] of this.db.iterator({ gte, lt })) {
      if (key.length < prefix.length + 1 + POS_LEN) continue;
      const valueBytes = key.subarray(prefix.length, key.length - POS_LEN - 1);
      const pos = keyToString(key.subarray(key.length - POS_LEN));
      if (isHeight) {
        if (valueBytes.length !== 8) continue;
        if (!range(cond) && !matchValue(cond, readU64be(valueBytes).toString())) continue;
      } else {
        if (!matchValue(cond, utf8d.decode(valueBytes))) continue;
      }
      out.set(pos, hash);
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
