// ICS23 proofs of store keys, laid out as a Cosmos SDK node answers `abci_query` on
// "/store/<name>/key" with prove=true: two ProofOps, applied from the first to the last.
//   1. type "ics23:simple", key = the store key: CommitmentProof (exist or nonexist) of the key in
//      its module store. Our store trees hash exactly as ICS23 tendermintSpec (merkle-tree.ts), so
//      the SDK's ProofOp type for that spec is used, not "ics23:iavl" (whose IavlSpec would reject
//      a leaf without IAVL's height/size/version prefix).
//   2. type "ics23:simple", key = the store name: existence of name → store root in the app hash's
//      simple merkle tree (committed-store.ts storeLeaf), which is the app_hash of header H+1.
import { concatBytes, hashFromByteSlices, splitPoint } from "../crypto/merkle.js";
import type { StateVersion } from "./committed-store.js";
import { storeLeaf } from "./committed-store.js";
import {
  type CommitmentProof,
  type ExistenceProof,
  encodeCommitmentProof,
  HashOp,
  type InnerOp,
  tendermintLeafOp,
} from "./ics23-proofs.js";
import type { Bytes } from "./kv.js";

export const PROOF_OP_STORE = "ics23:simple";
export const PROOF_OP_MULTISTORE = "ics23:simple";

export interface ProofOp {
  type: string;
  key: Bytes;
  data: Bytes;
}

const INNER_PREFIX = Uint8Array.of(1);

/** Inner ops (leaf upwards) proving items[index] in CometBFT's simple merkle tree of `items`. */
export function simpleMerklePath(items: readonly Bytes[], index: number): InnerOp[] {
  if (index < 0 || index >= items.length) throw new Error(`index ${index} out of range`);
  const ops: InnerOp[] = [];
  let lo = 0;
  let hi = items.length;
  const levels: InnerOp[] = [];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    const mid = lo + k;
    if (index < mid) {
      const right = hashFromByteSlices(items.slice(mid, hi));
      levels.push({ hash: HashOp.SHA256, prefix: INNER_PREFIX.slice(), suffix: right });
      hi = mid;
    } else {
      const left = hashFromByteSlices(items.slice(lo, mid));
      levels.push({
        hash: HashOp.SHA256,
        prefix: concatBytes(INNER_PREFIX, left),
        suffix: new Uint8Array(0),
      });
      lo = mid;
    }
  }
  for (let i = levels.length - 1; i >= 0; i--) ops.push(levels[i]!);
  return ops;
}

/** The app hash of a version (equal to what commit() returned at that height). */
export function versionAppHash(version: StateVersion): Bytes {
  return hashFromByteSlices(version.storeNames().map((n) => storeLeaf(n, version.tree(n).rootHash())));
}

/** Existence of storeName → store root in the app hash (the second ProofOp). */
export function multistoreProof(version: StateVersion, storeName: string): CommitmentProof {
  const names = version.storeNames();
  const index = names.indexOf(storeName);
  if (index < 0) throw new Error(`unknown store "${storeName}"`);
  const roots = names.map((n) => version.tree(n).rootHash());
  const leaves = names.map((n, i) => storeLeaf(n, roots[i]!));
  const exist: ExistenceProof = {
    key: new TextEncoder().encode(storeName),
    value: roots[index]!,
    leaf: tendermintLeafOp(),
    path: simpleMerklePath(leaves, index),
  };
  return { exist };
}

/** The value of `key` in `storeName` at this version (undefined when absent) and its two ProofOps. */
export function proveStoreKey(
  version: StateVersion,
  storeName: string,
  key: Bytes,
): { value: Bytes | undefined; ops: ProofOp[] } {
  const tree = version.tree(storeName);
  const value = tree.get(key);
  const inner = tree.prove(key);
  const outer = multistoreProof(version, storeName);
  return {
    value,
    ops: [
      { type: PROOF_OP_STORE, key: new Uint8Array(key), data: encodeCommitmentProof(inner) },
      {
        type: PROOF_OP_MULTISTORE,
        key: new TextEncoder().encode(storeName),
        data: encodeCommitmentProof(outer),
      },
    ],
  };
}
