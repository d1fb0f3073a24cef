// A write-back branch over another KVStore: reads fall through, writes stay here until write()
// copies them to the parent. Used for a block (over committed state), a tx and its messages.
import { type Bytes, type KVStore, keyToString, stringToKey } from "./kv.js";

/** null marks a deletion that hides the parent's value. */
export type Dirty = Map<string, Bytes | null>;

export class CacheKV implements KVStore {
  private readonly dirty: Dirty = new Map();

  constructor(private readonly parent: KVStore) {}

  get(key: Bytes): Bytes | undefined {
    return this.getKeyed(keyToString(key), key);
  }

  /** get() with the key's binary string already made: a chain of branches converts it once. */
  private getKeyed(ks: string, key: Bytes): Bytes | undefined {
    const hit = this.dirty.get(ks);
    if (hit !== undefined) return hit ?? undefined;
    const parent = this.parent;
    return parent instanceof CacheKV ? parent.getKeyed(ks, key) : parent.get(key);
  }

  has(key: Bytes): boolean {
    return this.get(key) !== undefined;
  }

  set(key: Bytes, value: Bytes): void {
    if (key.length === 0) throw new Error("store key must not be empty");
    this.dirty.set(keyToString(key), value);
  }

  delete(key: Bytes): void {
    this.dirty.set(keyToString(key), null);
  }

  /** Merges the parent's ordered entries with this branch's writes in the same range. */
  *iterator(start?: Bytes, end?: Bytes, reverse = false): IterableIterator<[Bytes, Bytes]> {
    const lo = start ? keyToString(start) : undefined;
    const hi = end ? keyToString(end) : undefined;
    const local = [...this.dirty.keys()].filter(
      (k) => (lo === undefined || k >= lo) && (hi === undefined || k < hi),
    );
    local.sort();
    if (reverse) local.reverse();
    const before = (a: string, b: string) => (reverse ? a > b : a < b);
    const parent = this.parent.iterator(start, end, reverse);
    let next = parent.next();
    let i = 0;
    while (!next.done || i < local.length) {
      const parentKey = next.done ? undefined : keyToString(next.value[0]);
      const localKey = local[i];
      if (localKey !== undefined && (parentKey === undefined || !before(parentKey, localKey))) {
        if (parentKey === localKey) next = parent.next();
        i++;
        const value = this.dirty.get(localKey);
        if (value) yield [stringToKey(localKey), value];
      } else if (!next.done) {
        yield next.value;
        next = parent.next();
      }
    }
  }

  /** Copies this branch's writes into the parent and clears the branch. */
  write(): void {
    const parent = this.parent;
    if (parent instanceof CacheKV) {
      // Same as parent.set / parent.delete, without the key's round trip through bytes.
      for (const [k, v] of this.dirty) parent.dirty.set(k, v);
    } else {
      for (const [k, v] of this.dirty) {
        if (v === null) parent.delete(stringToKey(k));
        else parent.set(stringToKey(k), v);
      }
    }
    this.dirty.clear();
  }

  /** The writes of this branch (for the committer), in no particular order. */
  get writes(): ReadonlyMap<string, Bytes | null> {
    return this.dirty;
  }
}
