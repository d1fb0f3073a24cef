// Historical versions of the committed state, for queries (and ICS23 proofs) at recent heights.
//
// The app hash and the live trees do not change. What is added, per committed height h, is the
// reverse diff of block h: for each key the block wrote, the value it had before (or "absent").
// It is written in the block's own atomic batch under
//   0x0D ‖ u64be(h) → repeated { varint(len store) ‖ store ‖ varint(len key) ‖ key ‖ 0x00 (absent) | 0x01 ‖ varint(len v) ‖ v }
// and the record of height h − keepRecent + 1 is deleted in the same batch, so exactly the last
// keepRecent heights are servable (kill -9 leaves diffs and state consistent). The diffs are also
// held in memory (loaded at start), as those same encoded records (a few tens of bytes per written
// key, where decoded Change objects cost ~450), decoded only to rebuild a version. The state at
// height H < latest is rebuilt on demand: take an
// O(1) copy-on-write snapshot of the live trees (or of a newer cached version) and undo the diffs
// of latest … H+1; the result shares every untouched node with the live trees. A few rebuilt
// versions are cached (historical state never changes).

import { type BatchOps, type Db, DbPrefix, prefixed, readU64be, u64be } from "./db.js";
import { encodeVarint } from "./ics23-proofs.js";
import type { Bytes } from "./kv.js";
import type { MerkleTree } from "./merkle-tree.js";

/** Recent heights whose state is kept queryable (the latest included) when no option says otherwise. */
export const DEFAULT_KEEP_RECENT = 100;
/** Rebuilt versions kept in memory. */
const CACHE_LIMIT = 4;

/** One key written by a block: its store, key and the value before the block (undefined: absent). */
export interface Change {
  store: string;
  key: Bytes;
  prev: Bytes | undefined;
}

/** Why a height cannot be served: newer than the latest commit, or pruned (or never recorded). */
export class UnavailableHeightError extends Error {
  override name = "UnavailableHeightError";
  constructor(
    readonly reason: "future" | "pruned",
    readonly height: bigint,
    readonly earliest: bigint,
    readonly latest: bigint,
  ) {
    super(
      reason === "future"
        ? `height ${height} is in the future (latest height ${latest})`
        : `state at height ${height} is pruned or was never kept (earliest available ${earliest}, latest ${latest})`,
    );
  }
}

export function historyKey(height: bigint): Bytes {
  return prefixed(DbPrefix.StateHistory, u64be(height));
}

const HISTORY_START = prefixed(DbPrefix.StateHistory);
const HISTORY_END = prefixed(DbPrefix.StateHistory + 1);

export function encodeChanges(changes: readonly Change[]): Bytes {
  const parts: Bytes[] = [];
  const enc = new TextEncoder();
  for (const c of changes) {
    const name = enc.encode(c.store);
    parts.push(encodeVarint(name.length), name, encodeVarint(c.key.length), c.key);
    if (c.prev === undefined) parts.push(Uint8Array.of(0));
    else parts.push(Uint8Array.of(1), encodeVarint(c.prev.length), c.prev);
  }
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function decodeChanges(b: Bytes): Change[] {
  const dec = new TextDecoder();
  const out: Change[] = [];
  let off = 0;
  const varint = (): number => {
    let n = 0;
    let mul = 1;
    for (;;) {
      if (off >= b.length) throw new Error("state history record: truncated varint");
      const byte = b[off++]!;
      n += (byte & 0x7f) * mul;
      if (byte < 0x80) return n;
      mul *= 0x80;
    }
  };
  const take = (n: number): Bytes => {
    if (off + n > b.length) throw new Error("state history record: truncated");
    const s = b.subarray(off, off + n);
    off += n;
    return s;
  };
  while (off < b.length) {
    const store = dec.decode(take(varint()));
    const key = take(varint());
    const flag = take(1)[0];
    out.push({ store, key, prev: flag === 1 ? take(varint()) : undefined });
  }
  return out;
}

/**
 * Too much rebuilding asked at once: rebuilding runs on the event loop that also runs consensus,
 * and any RPC caller can ask for an old height, so the undo work per second is capped.
 */
export class HistoryBusyError extends Error {
  override name = "HistoryBusyError";
}

/** Undo work allowed per second, in bytes of encoded reverse diffs (~40 bytes per written key). */
export const REBUILD_BYTES_PER_SECOND = 4 * 1024 * 1024;

export class StateHistory {
  /** Rebuild budget (token bucket over diff bytes): what is left, and when it was last refilled. */
  private budget: number;
  private refilledAt = performance.now();

  /** Reverse diffs by height, ascending (insertion order), encoded as on disk (encodeChanges). */
  private readonly diffs = new Map<bigint, Bytes>();
  private diffBytes = 0;
  /** Rebuilt versions by height, least recently used first. */
  private readonly cache = new Map<bigint, Map<string, MerkleTree>>();

  constructor(
    readonly keepRecent: number = DEFAULT_KEEP_RECENT,
    private readonly rebuildBytesPerSecond = REBUILD_BYTES_PER_SECOND,
  ) {
    this.budget = rebuildBytesPerSecond;
    if (!Number.isSafeInteger(keepRecent) || keepRecent < 1) {
      throw new Error(
        `keep-recent must be an integer ≥ 1 (1 keeps only the latest height), got ${keepRecent}`,
      );
    }
  }

  /**
   * Reads the recorded diffs of the heights still kept; diffs older than the window (the option
   * was lowered) or not contiguous with `latest` are deleted.
   */
  async load(db: Db, latest: bigint): Promise<void> {
    const found: Array<[bigint, Bytes]> = [];
    for await (const [key, value] of db.iterator({ gte: HISTORY_START, lt: HISTORY_END })) {
      found.push([readU64be(key, 1), value]);
    }
    const stale: BatchOps = [];
    let expected = latest;
    const kept: Array<[bigint, Bytes]> = [];
    for (let i = found.length - 1; i >= 0; i--) {
      const [height, value] = found[i]!;
      if (height === expected && height > latest - BigInt(this.keepRecent) + 1n) {
        decodeChanges(value); // a corrupt record fails the start, not a later query
        kept.push([height, new Uint8Array(value)]); // its own buffer, whatever the db hands out
        expected--;
      } else {
        stale.push({ type: "del", key: historyKey(height) });
        expected = -1n; // anything older is cut off from latest by a gap
      }
    }
    for (let i = kept.length - 1; i >= 0; i--) this.hold(kept[i]![0], kept[i]![1]);
    if (stale.length > 0) await db.batch(stale);
  }

  /** Bytes of the reverse diffs held in memory: the encoded records of the kept heights. */
  get heldBytes(): number {
    return this.diffBytes;
  }

  private hold(height: bigint, record: Bytes): void {
    this.diffs.set(height, record);
    this.diffBytes += record.length;
  }

  /** Earliest height whose state can be rebuilt, given the latest committed height. */
  earliest(latest: bigint): bigint {
    let h = latest;
    while (this.diffs.has(h)) h--;
    return h;
  }

  /** Records block `height`'s reverse diff into `ops` (the block's batch) and prunes the oldest. */
  record(height: bigint, changes: Change[], ops: BatchOps): void {
    if (this.keepRecent > 1) {
      const record = encodeChanges(changes);
      this.hold(height, record);
      ops.push({ type: "put", key: historyKey(height), value: record });
    }
    const cutoff = height - BigInt(this.keepRecent) + 1n;
    for (const [h, record] of this.diffs) {
      if (h > cutoff) break;
      this.diffs.delete(h);
      this.diffBytes -= record.length;
      ops.push({ type: "del", key: historyKey(h) });
    }
    for (const h of this.cache.keys()) if (h < cutoff) this.cache.delete(h);
  }

  /**
   * The trees of every store at `height` ≤ latest, rebuilt from `snapshotLive` (a function giving
   * O(1) snapshots of the live trees) or from a newer cached version. The caller must not mutate them.
   */
  treesAt(
    height: bigint,
    latest: bigint,
    snapshotLive: () => Map<string, MerkleTree>,
  ): Map<string, MerkleTree> {
    const earliest = this.earliest(latest);
    if (height > latest) throw new UnavailableHeightError("future", height, earliest, latest);
    if (height < earliest) throw new UnavailableHeightError("pruned", height, earliest, latest);
    const hit = this.cache.get(height);
    if (hit) {
      this.cache.delete(height);
      this.cache.set(height, hit);
      return hit;
    }
    // Start from the closest newer version we hold.
    let from = latest;
    let base: Map<string, MerkleTree> | undefined;
    for (const [h, trees] of this.cache) {
      if (h > height && h < from) {
        from = h;
        base = trees;
      }
    }
    this.spend(from, height);
    const trees = new Map<string, MerkleTree>();
    for (const [name, tree] of base ?? snapshotLive()) trees.set(name, base ? tree.snapshot() : tree);
    for (let h = from; h > height; h--) {
      for (const c of decodeChanges(this.diffs.get(h)!)) {
        const tree = trees.get(c.store);
        if (!tree) throw new Error(`state history of height ${h} names unknown store "${c.store}"`);
        if (c.prev === undefined) tree.delete(c.key);
        else tree.set(c.key, c.prev);
      }
    }
    this.cache.set(height, trees);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    return trees;
  }

  /** Takes the cost of undoing heights (height, from] from the budget, or throws HistoryBusyError. */
  private spend(from: bigint, height: bigint): void {
    let cost = 0;
    for (let h = from; h > height; h--) cost += this.diffs.get(h)?.length ?? 0;
    const now = performance.now();
    const rate = this.rebuildBytesPerSecond;
    const refill = ((now - this.refilledAt) / 1000) * rate;
    this.budget = Math.min(rate, this.budget + refill);
    this.refilledAt = now;
    // A rebuild bigger than a whole second's budget is let through once the bucket is full.
    if (cost > this.budget && this.budget < rate)
      throw new HistoryBusyError(
        `rebuilding the state at height ${height} means undoing ${cost} bytes of changes; the node allows ` +
          `${rate} per second and is busy: retry in a second`,
      );
    this.budget -= cost;
  }
}
