// CometBFT v0.38 block part sets (types/part_set.go NewPartSetFromData) and the RFC6962 merkle
// proofs (crypto/merkle/proof.go) that travel with each part.
import type { Proof } from "cosmjs-types/tendermint/crypto/proof";
import type { Part, PartSetHeader } from "cosmjs-types/tendermint/types/types";
import { hashFromByteSlices, innerHash, leafHash, splitPoint } from "../crypto/merkle.js";

/** types.BlockPartSizeBytes. */
export const BLOCK_PART_SIZE_BYTES = 65536;
/** crypto/merkle MaxAunts: a proof with more aunts is rejected. */
const MAX_AUNTS = 100;

export interface PartSet {
  header: PartSetHeader;
  parts: Part[];
}

interface Trail {
  root: Uint8Array;
  /** Per leaf, sibling hashes from the leaf upwards (Go's FlattenAunts order). */
  aunts: Uint8Array[][];
}

function trailsFrom(items: readonly Uint8Array[]): Trail {
  if (items.length === 1) return { root: leafHash(items[0]!), aunts: [[]] };
  const k = splitPoint(items.length);
  const left = trailsFrom(items.slice(0, k));
  const right = trailsFrom(items.slice(k));
  for (const a of left.aunts) a.push(right.root);
  for (const a of right.aunts) a.push(left.root);
  return { root: innerHash(left.root, right.root), aunts: [...left.aunts, ...right.aunts] };
}

/** merkle.ProofsFromByteSlices: the root and one inclusion proof per item (items non-empty). */
export function proofsFromByteSlices(items: readonly Uint8Array[]): { root: Uint8Array; proofs: Proof[] } {
  if (items.length === 0) return { root: hashFromByteSlices([]), proofs: [] };
  const trail = trailsFrom(items);
  const total = BigInt(items.length);
  const proofs = items.map((item, i) => ({
    total,
    index: BigInt(i),
    leafHash: leafHash(item),
    aunts: trail.aunts[i]!,
  }));
  return { root: trail.root, proofs };
}

function computeHashFromAunts(
  index: bigint,
  total: bigint,
  leaf: Uint8Array,
  aunts: readonly Uint8Array[],
): Uint8Array | undefined {
  if (total === 1n) return aunts.length === 0 ? leaf : undefined;
  if (aunts.length === 0) return undefined;
  const numLeft = BigInt(splitPoint(Number(total)));
  const last = aunts[aunts.length - 1]!;
  const rest = aunts.slice(0, -1);
  if (index < numLeft) {
    const left = computeHashFromAunts(index, numLeft, leaf, rest);
    return left === undefined ? undefined : innerHash(left, last);
  }
  const right = computeHashFromAunts(index - numLeft, total - numLeft, leaf, rest);
  return right === undefined ? undefined : innerHash(last, right);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** merkle.Proof.Verify: returns an error string, or undefined when `leaf` is proven under `root`. */
export function verifyProof(proof: Proof, root: Uint8Array, leaf: Uint8Array): string | undefined {
  if (proof.total <= 0n) return "proof total must be positive";
  if (proof.index < 0n || proof.index >= proof.total) return "proof index out of range";
  if (proof.aunts.length > MAX_AUNTS) return `expected no more than ${MAX_AUNTS} aunts`;
  if (!bytesEqual(proof.leafHash, leafHash(leaf))) return "invalid leaf hash";
  const computed = computeHashFromAunts(proof.index, proof.total, proof.leafHash, proof.aunts);
  if (computed === undefined || !bytesEqual(computed, root)) return "invalid root hash";
  return undefined;
}

/**
 * NewPartSetFromData: split `data` into `partSize` chunks; the header hash is the merkle root over
 * the raw chunk bytes. CometBFT never makes a part set of empty data (a block proto is never
 * empty), so this requires data.length ≥ 1 and yields total ≥ 1.
 */
export function makePartSet(data: Uint8Array, partSize = BLOCK_PART_SIZE_BYTES): PartSet {
  if (data.length === 0) throw new Error("cannot make a part set of empty data");
  if (!Number.isInteger(partSize) || partSize <= 0) throw new RangeError(`invalid part size ${partSize}`);
  const chunks: Uint8Array[] = [];
  for (let off = 0; off < data.length; off += partSize) chunks.push(data.subarray(off, off + partSize));
  const { root, proofs } = proofsFromByteSlices(chunks);
  const parts = chunks.map((bytes, index) => ({ index, bytes, proof: proofs[index]! }));
  return { header: { total: chunks.length, hash: root }, parts };
}

/**
 * Part.ValidateBasic plus PartSet.AddPart's checks (64 KiB parts, all but the last full size, index
 * in range, proof leads to the header hash). Returns an error string, or undefined when valid.
 */
export function verifyPart(header: PartSetHeader, part: Part): string | undefined {
  if (part.index < 0 || part.index >= header.total) return `part index ${part.index} out of range`;
  if (part.bytes.length > BLOCK_PART_SIZE_BYTES) return "part too big";
  if (part.index < header.total - 1 && part.bytes.length !== BLOCK_PART_SIZE_BYTES) {
    return "part of invalid size";
  }
  if (part.proof.index !== BigInt(part.index) || part.proof.total !== BigInt(header.total)) {
    return "part proof index/total mismatch";
  }
  return verifyProof(part.proof, header.hash, part.bytes);
}

/** Reassembles the data from a complete, index-ordered list of parts. */
export function joinParts(parts: readonly Part[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.bytes.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const [i, p] of parts.entries()) {
    if (p.index !== i) throw new Error(`part ${i} missing or out of order`);
    out.set(p.bytes, offset);
    offset += p.bytes.length;
  }
  return out;
}
