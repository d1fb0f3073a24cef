// The mempool: admission through the app's checkTx on its check state, size and count limits,
// FIFO order, and recheck of what is left after every block (as CometBFT's clist mempool).

import type { Application, CheckTxResult } from "../app/application.js";
import { SDK, SdkCode } from "../app/errors.js";
import { sha256 } from "../crypto/sha256.js";
import { keyToString } from "../store/kv.js";

export interface MempoolOptions {
  /** Most txs held at once. */
  maxTxs: number;
  /** Most bytes held at once. */
  maxTotalBytes: number;
  /** Largest single tx. */
  maxTxBytes: number;
  /** How many recently seen tx hashes are remembered to refuse duplicates. */
  cacheSize: number;
}

export const DEFAULT_MEMPOOL_OPTIONS: MempoolOptions = {
  maxTxs: 50_000,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxTxBytes: 1024 * 1024,
  cacheSize: 100_000,
};

export class Mempool {
  /** hash (binary string) → tx, in arrival order. */
  private readonly txs = new Map<string, Uint8Array>();
  /** Recently seen hashes, in or out of the mempool (CometBFT's cache). */
  private readonly seen = new Set<string>();
  private bytes = 0;

  constructor(
    private readonly app: Application,
    readonly opts: MempoolOptions = DEFAULT_MEMPOOL_OPTIONS,
  ) {}

  get size(): number {
    return this.txs.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /** Whether a tx (by its sha256) is held. */
  has(hash: Uint8Array): boolean {
    return this.txs.has(keyToString(hash));
  }

  /** checkTx then insertion; a non-zero code means refused and nothing changed. */
  add(tx: Uint8Array): CheckTxResult {
    if (tx.length === 0) return refused(SdkCode.TxDecode, "tx is empty: tx parse error");
    if (tx.length > this.opts.maxTxBytes) {
      return refused(
        SdkCode.TxTooLarge,
        `tx is ${tx.length} bytes, max is ${this.opts.maxTxBytes}: tx too large`,
      );
    }
    const key = keyToString(sha256(tx));
    if (this.seen.has(key)) return refused(SdkCode.TxInMempoolCache, "tx already exists in cache");
    if (this.txs.size >= this.opts.maxTxs || this.bytes + tx.length > this.opts.maxTotalBytes) {
      return refused(
        SdkCode.MempoolIsFull,
        `mempool is full: ${this.txs.size} txs (max ${this.opts.maxTxs}), ${this.bytes} bytes (max ${this.opts.maxTotalBytes})`,
      );
    }
    const result = this.app.checkTx(tx);
    if (result.code !== 0) return result;
    this.remember(key);
    this.txs.set(key, tx);
    this.bytes += tx.length;
    return result;
  }

  /** Txs in arrival order, up to maxBytes in total. */
  reap(maxBytes: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let size = 0;
    for (const tx of this.txs.values()) {
      if (size + tx.length > maxBytes) break;
      out.push(tx);
      size += tx.length;
    }
    return out;
  }

  /** After a commit: drop the block's txs, then recheck the rest against the new state. */
  update(
    committed: readonly Uint8Array[],
    /** sha256 of each committed tx, when the caller has them. */
    hashes?: readonly Uint8Array[],
  ): { rechecked: number; evicted: number } {
    for (let i = 0; i < committed.length; i++) {
      const key = keyToString(hashes?.[i] ?? sha256(committed[i]!));
      this.remember(key);
      this.drop(key);
    }
    let evicted = 0;
    for (const [key, tx] of [...this.txs]) {
      if (this.app.checkTx(tx, "recheck").code !== 0) {
        this.drop(key);
        this.seen.delete(key);
        evicted++;
      }
    }
    return { rechecked: this.txs.size + evicted, evicted };
  }

  list(limit: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const tx of this.txs.values()) {
      if (out.length >= limit) break;
      out.push(tx);
    }
    return out;
  }

  private drop(key: string): void {
    const tx = this.txs.get(key);
    if (!tx) return;
    this.txs.delete(key);
    this.bytes -= tx.length;
  }

  private remember(key: string): void {
    this.seen.delete(key);
    this.seen.add(key);
    if (this.seen.size > this.opts.cacheSize) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}

function refused(code: SdkCode, log: string): CheckTxResult {
  return {
    code,
    codespace: SDK,
    log,
    data: new Uint8Array(0),
    info: "",
    gasWanted: 0n,
    gasUsed: 0n,
    events: [],
  };
}
