// The key-value interfaces every state access goes through. Reads are synchronous: the working
// set of committed state lives in memory (see committed-store.ts); LevelDB is its durable copy.

export type Bytes = Uint8Array;

export interface KVStore {
  get(key: Bytes): Bytes | undefined;
  has(key: Bytes): boolean;
  set(key: Bytes, value: Bytes): void;
  delete(key: Bytes): void;
  /** Entries with start ≤ key < end in byte order (reverse: descending); bounds are optional. */
  iterator(start?: Bytes, end?: Bytes, reverse?: boolean): IterableIterator<[Bytes, Bytes]>;
}

/** Keys as "binary strings" (one char per byte) compare exactly like the bytes do. */
export function keyToString(key: Bytes): string {
  let s = "";
  for (let i = 0; i < key.length; i++) s += String.fromCharCode(key[i]!);
  return s;
}

export function stringToKey(s: string): Bytes {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The smallest key greater than every key that starts with prefix; undefined when none exists. */
export function prefixEnd(prefix: Bytes): Bytes | undefined {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}
