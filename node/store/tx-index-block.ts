// The write side of the tx index for one block: a record per tx (0x07, by hash) as each tx comes,
// then one record per distinct indexed event (composite key, value) of the block listing the txs
// that carry it (0x0E). A block's txs share most values (tx.height, message.action, fee amounts,
// busy senders), so this writes several times fewer LevelDB entries than one per (tx, attribute)
// as CometBFT's kv indexer does, and tx_search reads fewer too.
import { BinaryWriter } from "cosmjs-types/binary";
import { type ExecTxResult, TxResult } from "cosmjs-types/tendermint/abci/types";
import { txHash } from "../rpc/encoding.js";
import { type BatchOps, DbPrefix, type PutOp, prefixed, u64be } from "./db.js";
import type { Bytes } from "./kv.js";

export interface IndexedTx {
  tx: Bytes;
  index: number;
  result: ExecTxResult;
  /** ExecTxResult.encode(result), when the caller has it already (the block store needs it too). */
  resultBytes?: Bytes;
  /** sha256(tx), when the caller has it already. */
  hash?: Bytes;
}

export const HEIGHT_KEY = "tx.height";
export const HASH_KEY = "tx.hash";
/** One listed tx in a 0x0E record: u32be(index) ‖ sha256(tx). */
export const ENTRY_LEN = 36;
/** The height suffix of a 0x0E key: 0x00 ‖ u64be(height). */
export const HEIGHT_SUFFIX_LEN = 9;

const utf8 = new TextEncoder();

/** TxResult.encode({height, index, tx, result}) around an already encoded result: the same bytes. */
export function encodeTxResult(height: bigint, index: number, tx: Bytes, resultBytes: Bytes): Bytes {
  const w = BinaryWriter.create();
  if (height !== 0n) w.uint32(8).int64(height);
  if (index !== 0) w.uint32(16).uint32(index);
  if (tx.length !== 0) w.uint32(26).bytes(tx);
  return w.uint32(34).bytes(resultBytes).finish();
}

/** 0x0E ‖ compositeKey ‖ 0x00: the start of every record of one composite key. */
export function eventKeyPrefix(compositeKey: string): Bytes {
  return prefixed(DbPrefix.TxEventBlock, utf8.encode(compositeKey), Uint8Array.of(0));
}

interface Group {
  /** The value's bytes (utf8 of a string value, u64be for tx.height). */
  value: Bytes | string;
  indexes: number[];
  hashes: Bytes[];
}

export class BlockIndexWriter {
  /** Lookup by event type → attribute key (no string built per attribute) → value → group. */
  private readonly groups = new Map<string, Map<string, Map<string, Group>>>();
  /**
   * The same value maps by composite key: ("a.b", "c") and ("a", "b.c") are both "a.b.c" and share
   * one map, so their txs go in one record.
   */
  private readonly byComposite = new Map<string, Map<string, Group>>();
  private readonly heightBytes: Bytes;
  private readonly heightGroup: Group;

  constructor(private readonly height: bigint) {
    this.heightBytes = u64be(height);
    this.heightGroup = { value: this.heightBytes, indexes: [], hashes: [] };
  }

  /** Indexes one tx; txs come in block order. Returns its by-hash record. */
  add({ tx, index, result, resultBytes, hash = txHash(tx) }: IndexedTx): BatchOps {
    const record = resultBytes
      ? encodeTxResult(this.height, index, tx, resultBytes)
      : TxResult.encode({ height: this.height, index, tx, result }).finish();
    push(this.heightGroup, index, hash);
    for (const ev of result.events) {
      if (!ev.type) continue;
      let byKey = this.groups.get(ev.type);
      for (const attr of ev.attributes) {
        if (!attr.key || !attr.index) continue;
        if (!byKey) {
          byKey = new Map();
          this.groups.set(ev.type, byKey);
        }
        let byValue = byKey.get(attr.key);
        if (!byValue) {
          const compositeKey = `${ev.type}.${attr.key}`;
          // tx.height and tx.hash are implicit; a 0 byte would make keys ambiguous
          if (compositeKey === HEIGHT_KEY || compositeKey === HASH_KEY || compositeKey.includes("\0"))
            continue;
          byValue = this.byComposite.get(compositeKey);
          if (!byValue) {
            byValue = new Map();
            this.byComposite.set(compositeKey, byValue);
          }
          byKey.set(attr.key, byValue);
        }
        // The key holds the value's UTF-8, where every lone surrogate is U+FFFD: group as encoded.
        const value = wellFormed(attr.value);
        let group = byValue.get(value);
        if (!group) {
          group = { value, indexes: [], hashes: [] };
          byValue.set(value, group);
        }
        push(group, index, hash);
      }
    }
    return [{ type: "put", key: prefixed(DbPrefix.TxHash, hash), value: record }];
  }

  /** The block's event records (0x0E), once every tx was added. */
  finish(): BatchOps {
    if (this.heightGroup.indexes.length === 0) return []; // an empty block indexes nothing
    const ops: BatchOps = [this.record(eventKeyPrefix(HEIGHT_KEY), this.heightGroup)];
    for (const [compositeKey, byValue] of this.byComposite) {
      const prefix = eventKeyPrefix(compositeKey);
      for (const group of byValue.values()) ops.push(this.record(prefix, group));
    }
    return ops;
  }

  private record(prefix: Bytes, group: Group): PutOp {
    const value = typeof group.value === "string" ? utf8.encode(group.value) : group.value;
    const key = new Uint8Array(prefix.length + value.length + HEIGHT_SUFFIX_LEN);
    key.set(prefix, 0);
    key.set(value, prefix.length);
    key.set(this.heightBytes, key.length - 8);
    const entries = new Uint8Array(group.indexes.length * ENTRY_LEN);
    for (let i = 0, at = 0; i < group.indexes.length; i++, at += ENTRY_LEN) {
      const index = group.indexes[i]!;
      entries[at] = index >>> 24;
      entries[at + 1] = index >>> 16;
      entries[at + 2] = index >>> 8;
      entries[at + 3] = index;
      entries.set(group.hashes[i]!, at + 4);
    }
    return { type: "put", key, value: entries };
  }
}

/** The string TextEncoder encodes: lone surrogates replaced by U+FFFD (most strings are already). */
function wellFormed(s: string): string {
  const w = s as unknown as { isWellFormed(): boolean; toWellFormed(): string };
  return w.isWellFormed() ? s : w.toWellFormed();
}

/** Lists a tx once per group, however many of its attributes carry the value. */
function push(group: Group, index: number, hash: Bytes): void {
  if (group.indexes[group.indexes.length - 1] === index) return;
  group.indexes.push(index);
  group.hashes.push(hash);
}
