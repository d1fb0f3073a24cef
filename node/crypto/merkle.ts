// RFC-6962 simple Merkle tree, as CometBFT's crypto/merkle builds it: leaf = sha256(0x00‖item),
// inner = sha256(0x01‖left‖right), split at the largest power of two below n, empty = sha256("").
import { sha256 } from "./sha256.js";

const LEAF_PREFIX = Uint8Array.of(0);
const INNER_PREFIX = Uint8Array.of(1);

export function leafHash(item: Uint8Array): Uint8Array {
  return sha256(concatBytes(LEAF_PREFIX, item));
}

export function innerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(INNER_PREFIX, left, right));
}

/** Largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function hashFromByteSlices(items: readonly Uint8Array[]): Uint8Array {
  return hashRange(items, 0, items.length);
}

function hashRange(items: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 0) return sha256(new Uint8Array(0));
  if (n === 1) return leafHash(items[start]!);
  const k = splitPoint(n);
  return innerHash(hashRange(items, start, start + k), hashRange(items, start + k, end));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
