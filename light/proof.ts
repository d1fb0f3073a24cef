// Checks the ProofOps of an `abci_query` on "/store/<name>/key" against an app hash, with the
// stock @confio/ics23 verifiers, as the Cosmos SDK's ProofRuntime does: the first op proves the
// key (present with its value, or absent) in the store's tree and yields the store root; the
// second proves store name → that root in the app hash (the app_hash of the header at H+1).
import {
  calculateExistenceRoot,
  ics23,
  tendermintSpec,
  verifyMembership,
  verifyNonMembership,
} from "@confio/ics23";
import { sha256 } from "../node/crypto/sha256.js";
import { InvalidProofError } from "./errors.js";

export interface ProofOpLike {
  type: string;
  key: Uint8Array;
  data: Uint8Array;
}

/** The only op type this chain produces: ICS23 with tendermintSpec (see node/store/store-proofs.ts). */
export const STORE_PROOF_OP_TYPE = "ics23:simple";

/** Root of an empty tendermintSpec (RFC 6962) tree: sha256 of nothing. */
const EMPTY_TREE_ROOT = sha256(new Uint8Array(0));

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function decode(op: ProofOpLike, which: string): ics23.CommitmentProof {
  if (op.type !== STORE_PROOF_OP_TYPE) {
    throw new InvalidProofError(`${which} proof op has type "${op.type}", expected "${STORE_PROOF_OP_TYPE}"`);
  }
  try {
    return ics23.CommitmentProof.decode(op.data);
  } catch (err) {
    throw new InvalidProofError(`${which} proof op does not decode: ${(err as Error).message}`);
  }
}

function root(exist: ics23.IExistenceProof | null | undefined, which: string): Uint8Array {
  if (!exist) throw new InvalidProofError(`${which} proof has no existence proof to compute a root from`);
  try {
    return calculateExistenceRoot(exist);
  } catch (err) {
    throw new InvalidProofError(`${which} proof is malformed: ${(err as Error).message}`);
  }
}

function check(ok: () => boolean, what: string): void {
  let passed = false;
  try {
    passed = ok();
  } catch (err) {
    throw new InvalidProofError(`${what}: ${(err as Error).message}`);
  }
  if (!passed) throw new InvalidProofError(what);
}

/**
 * Verifies that `key` in store `storeName` holds `value` (or is absent, value undefined) in the
 * state whose app hash is `appHash`. Throws InvalidProofError naming what failed.
 */
export function verifyStoreProof(
  ops: readonly ProofOpLike[],
  appHash: Uint8Array,
  storeName: string,
  key: Uint8Array,
  value: Uint8Array | undefined,
): void {
  if (ops.length !== 2)
    throw new InvalidProofError(`expected 2 proof ops (store, multistore), got ${ops.length}`);
  const [storeOp, multiOp] = ops as [ProofOpLike, ProofOpLike];
  const name = new TextEncoder().encode(storeName);
  if (!equal(storeOp.key, key))
    throw new InvalidProofError(`store proof op is for key ${hex(storeOp.key)}, not ${hex(key)}`);
  if (!equal(multiOp.key, name))
    throw new InvalidProofError(
      `multistore proof op is for store "${new TextDecoder().decode(multiOp.key)}", not "${storeName}"`,
    );
  const inner = decode(storeOp, "store");
  let storeRoot: Uint8Array;
  if (value !== undefined) {
    if (!inner.exist)
      throw new InvalidProofError("a value was answered but the store proof is not an existence proof");
    storeRoot = root(inner.exist, "store");
    check(
      () => verifyMembership(inner, tendermintSpec, storeRoot, key, value),
      "store proof does not prove the answered value",
    );
  } else {
    if (!inner.nonexist)
      throw new InvalidProofError("no value was answered but the store proof is not a non-existence proof");
    const { left, right } = inner.nonexist;
    if (!left && !right) {
      // An empty store has no neighbours to show: its root is the empty tree's, sha256(""), which
      // the multistore op below must then link to the app hash (no leaf or inner node hashes to it).
      if (!equal(inner.nonexist.key ?? new Uint8Array(0), key))
        throw new InvalidProofError("store non-existence proof is for another key");
      storeRoot = EMPTY_TREE_ROOT;
    } else {
      storeRoot = root(left ?? right, "store");
      check(
        () => verifyNonMembership(inner, tendermintSpec, storeRoot, key),
        "store proof does not prove the key absent",
      );
    }
  }
  const outer = decode(multiOp, "multistore");
  check(
    () => verifyMembership(outer, tendermintSpec, appHash, name, storeRoot),
    `multistore proof does not link store "${storeName}" root ${hex(storeRoot)} to app hash ${hex(appHash)}`,
  );
}
