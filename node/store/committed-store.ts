// Committed application state: one MerkleTree per module store, held in memory and mirrored in
// LevelDB. The app hash is the SDK multistore commitment: a simple Merkle tree over
// (store name → store root) pairs sorted by name, so ICS23 proofs chain store → app hash.
// Past heights (the last keepRecent, pruning-keep-recent) are served by at(height): each commit
// records the block's reverse diff in its own batch (state-history.ts, DbPrefix.StateHistory), and
// an old version is rebuilt from copy-on-write snapshots of the live trees. Proofs of a version's
// keys are built in store-proofs.ts. The app hash does not depend on any of this.

import { concatBytes, hashFromByteSlices } from "../crypto/merkle.js";
import { sha256 } from "../crypto/sha256.js";
import type { CacheKV } from "./cache-kv.js";
import { type BatchOps, type Db, DbPrefix, prefixed, readU64be, u64be } from "./db.js";
import { type Bytes, type KVStore, stringToKey } from "./kv.js";
import { MerkleTree } from "./merkle-tree.js";
import type { MultiStore } from "./multi-store.js";
import { type Change, DEFAULT_KEEP_RECENT, StateHistory } from "./state-history.js";

export interface CommitInfo {
  height: bigint;
  appHash: Bytes;
}

export interface CommittedStoreOptions {
  /** Recent heights whose state stays queryable, the latest included (≥ 1; default 100). */
  keepRecent?: number;
  /** Rebuild work allowed per second, in bytes of reverse diffs (default REBUILD_BYTES_PER_SECOND). */
  rebuildBytesPerSecond?: number;
}

/** The committed state at one height: read-only stores over that height's trees. */
export interface StateVersion extends MultiStore {
  height: bigint;
  tree(name: string): MerkleTree;
  /** Store names in app-hash (sorted) order. */
  storeNames(): string[];
}

const COMMIT_INFO_KEY = prefixed(DbPrefix.Meta, new TextEncoder().encode("app/commit"));
const SEPARATOR = Uint8Array.of(0);

export class CommittedStore implements MultiStore {
  private readonly trees = new Map<string, MerkleTree>();
  private info: CommitInfo = { height: 0n, appHash: new Uint8Array(0) };

  private constructor(
    private readonly db: Db,
    readonly storeNames: readonly string[],
    private readonly history: StateHistory,
  ) {
    for (const name of [...storeNames].sort()) {
      if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`invalid store name "${name}"`);
      this.trees.set(name, new MerkleTree());
    }
  }

  /** Loads every store from LevelDB and checks the recomputed app hash against the recorded one. */
  static async load(
    db: Db,
    storeNames: readonly string[],
    opts: CommittedStoreOptions = {},
  ): Promise<CommittedStore> {
    const history = new StateHistory(opts.keepRecent ?? DEFAULT_KEEP_RECENT, opts.rebuildBytesPerSecond);
    const store = new CommittedStore(db, storeNames, history);
    const raw = await db.get(COMMIT_INFO_KEY);
    if (!raw) return store;
    for (const [name, tree] of store.trees) {
      const prefix = stateKeyPrefix(name);
      const upper = prefixed(DbPrefix.State, new TextEncoder().encode(name), Uint8Array.of(1));
      for await (const [key, value] of db.iterator({ gte: prefix, lt: upper })) {
        tree.set(key.slice(prefix.length), value);
      }
    }
    store.info = { height: readU64be(raw), appHash: raw.slice(8) };
    const recomputed = store.computeAppHash();
    if (!bytesEqual(recomputed, store.info.appHash)) {
      throw new Error(`state in LevelDB does not match the app hash recorded at height ${store.info.height}`);
    }
    await history.load(db, store.info.height);
    return store;
  }

  /** Oldest height whose state can still be queried (pruning-keep-recent). */
  get earliestHeight(): bigint {
    return this.history.earliest(this.info.height);
  }

  /** Bytes of state history held in memory (the encoded reverse diffs of the kept heights). */
  get historyBytes(): number {
    return this.history.heldBytes;
  }

  /**
   * The state at `height` (0n: the latest). Throws UnavailableHeightError for a height newer than
   * the last commit or older than the kept window.
   */
  at(height: bigint): StateVersion {
    const latest = this.info.height;
    const h = height === 0n ? latest : height;
    const trees =
      h === latest
        ? this.trees
        : this.history.treesAt(h, latest, () => {
            const snap = new Map<string, MerkleTree>();
            for (const [name, tree] of this.trees) snap.set(name, tree.snapshot());
            return snap;
          });
    const tree = (name: string): MerkleTree => {
      const t = trees.get(name);
      if (!t) throw new Error(`unknown store "${name}"`);
      return t;
    };
    return {
      height: h,
      tree,
      storeNames: () => [...trees.keys()],
      store: (name) => readOnlyStore(name, tree(name)),
    };
  }

  get lastCommit(): CommitInfo {
    return this.info;
  }

  store(name: string): KVStore {
    return readOnlyStore(name, this.tree(name));
  }

  /** The root of one store, e.g. for the second op of an ICS23 proof. */
  storeRoot(name: string): Bytes {
    return this.tree(name).rootHash();
  }

  tree(name: string): MerkleTree {
    const tree = this.trees.get(name);
    if (!tree) throw new Error(`unknown store "${name}"`);
    return tree;
  }

  /**
   * Applies a block's writes to the trees and returns the new app hash with the LevelDB ops that
   * persist them; the caller writes those ops in one atomic batch.
   */
  commit(height: bigint, writes: ReadonlyMap<string, CacheKV>): { appHash: Bytes; ops: BatchOps } {
    if (height <= this.info.height && this.info.appHash.length > 0) {
      throw new Error(`commit at height ${height} after height ${this.info.height}`);
    }
    const ops: BatchOps = [];
    // Reverse diff for historical queries; genesis (no state before it) has none.
    const keepHistory = this.info.appHash.length > 0;
    const changes: Change[] = [];
    for (const [name, branch] of writes) {
      const tree = this.tree(name);
      const prefix = stateKeyPrefix(name);
      for (const [k, v] of branch.writes) {
        const key = stringToKey(k);
        if (keepHistory) {
          const prev = tree.get(key);
          if (prev !== undefined || v !== null) changes.push({ store: name, key, prev });
        }
        if (v === null) {
          tree.delete(key);
          ops.push({ type: "del", key: concatBytes(prefix, key) });
        } else {
          tree.set(key, v);
          ops.push({ type: "put", key: concatBytes(prefix, key), value: v });
        }
      }
    }
    const appHash = this.computeAppHash();
    this.info = { height, appHash };
    ops.push({ type: "put", key: COMMIT_INFO_KEY, value: concatBytes(u64be(height), appHash) });
    if (keepHistory) this.history.record(height, changes, ops);
    return { appHash, ops };
  }

  computeAppHash(): Bytes {
    const leaves: Bytes[] = [];
    for (const [name, tree] of this.trees) leaves.push(storeLeaf(name, tree.rootHash()));
    return hashFromByteSlices(leaves);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** SDK CommitInfo leaf: varint(len name) ‖ name ‖ varint(32) ‖ sha256(store root). */
export function storeLeaf(name: string, root: Bytes): Bytes {
  const nameBytes = new TextEncoder().encode(name);
  return concatBytes(Uint8Array.of(nameBytes.length), nameBytes, Uint8Array.of(32), sha256(root));
}

function stateKeyPrefix(name: string): Bytes {
  return prefixed(DbPrefix.State, new TextEncoder().encode(name), SEPARATOR);
}

function readOnlyStore(name: string, tree: MerkleTree): KVStore {
  return {
    get: (key) => tree.get(key),
    has: (key) => tree.has(key),
    set: () => readOnly(name),
    delete: () => readOnly(name),
    iterator: (start, end, reverse) => tree.entries(start, end, reverse),
  };
}

function readOnly(name: string): never {
  throw new Error(`committed store "${name}" is read-only: write through a branch`);
}

export function bytesEqual(a: Bytes, b: Bytes): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
