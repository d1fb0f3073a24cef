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

/** Bytes per fromCharCode call, well under engines' argument-count limits. */
const KEY_CHUNK = 4096;

/** Keys as "binary strings" (one char per byte) compare exactly like the bytes do. */
export function keyToString(key: Bytes): string {
  // fromCharCode over the bytes in chunks: one char per byte, as a loop would build it, without a
  // string concatenation per byte (every store access of every tx converts its key).
  if (key.length <= KEY_CHUNK) return String.fromCharCode.apply(null, key as unknown as number[]);
  let s = "";
  for (let i = 0; i < key.length; i += KEY_CHUNK) {
    s += String.fromCharCode.apply(null, key.subarray(i, i + KEY_CHUNK) as unknown as number[]);
  }
  return s;
}

export function stringToKey(s: string): Bytes {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const utf8 = new TextEncoder();

/**
 * UTF-8 bytes of a string, as TextEncoder gives them. Short ASCII strings (denoms, amounts,
 * addresses: most keys and event values) are copied char by char, which is several times faster
 * than a call into TextEncoder for a few bytes.
 */
export function utf8Bytes(s: string): Bytes {
  if (s.length > 64) return utf8.encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return utf8.encode(s);
    out[i] = c;
  }
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
