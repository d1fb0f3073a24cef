// CometBFT v0.38 validators (types/validator.go, validator_set.go): ed25519 only.
import type { Validator as ProtoValidator } from "cosmjs-types/tendermint/types/validator";
import { hashFromByteSlices } from "../crypto/merkle.js";
import { pubKeyToAddress } from "./ed25519.js";
import { ProtoWriter } from "./proto-writer.js";

/** types.MaxTotalVotingPower = MaxInt64 / 8. */
export const MAX_TOTAL_VOTING_POWER = ((1n << 63n) - 1n) / 8n;

export interface Validator {
  /** sha256(pubKey)[:20]. */
  address: Uint8Array;
  /** Raw 32-byte ed25519 public key. */
  pubKey: Uint8Array;
  votingPower: bigint;
  proposerPriority?: bigint;
}

export function makeValidator(pubKey: Uint8Array, votingPower: bigint): Validator {
  return { address: pubKeyToAddress(pubKey), pubKey, votingPower, proposerPriority: 0n };
}

/** tendermint.crypto.PublicKey{ed25519=1}. */
export function encodeEd25519PublicKey(pubKey: Uint8Array): Uint8Array {
  return new ProtoWriter().bytes(1, pubKey, true).finish();
}

/** Validator.Bytes: SimpleValidator{pub_key=1 PublicKey, voting_power=2} — the validators_hash leaf. */
export function validatorBytes(v: Pick<Validator, "pubKey" | "votingPower">): Uint8Array {
  return new ProtoWriter().message(1, encodeEd25519PublicKey(v.pubKey)).varint(2, v.votingPower).finish();
}

/** ValidatorSet.Hash: merkle root over validatorBytes, in the set's order (use sortValidators first). */
export function validatorSetHash(vals: readonly Pick<Validator, "pubKey" | "votingPower">[]): Uint8Array {
  return hashFromByteSlices(vals.map(validatorBytes));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** ValidatorsByVotingPower: voting power descending, then address ascending. Returns a new array. */
export function sortValidators<T extends Pick<Validator, "address" | "votingPower">>(
  vals: readonly T[],
): T[] {
  return [...vals].sort((a, b) => {
    if (a.votingPower !== b.votingPower) return a.votingPower > b.votingPower ? -1 : 1;
    return compareBytes(a.address, b.address);
  });
}

/** Sum of voting power; throws past MaxTotalVotingPower as CometBFT does. */
export function totalVotingPower(vals: readonly Pick<Validator, "votingPower">[]): bigint {
  let total = 0n;
  for (const v of vals) {
    if (v.votingPower < 0n) throw new Error("negative voting power");
    total += v.votingPower;
    if (total > MAX_TOTAL_VOTING_POWER) throw new Error("total voting power exceeds MaxTotalVotingPower");
  }
  return total;
}

/** Index of the validator with this address, or -1. */
export function findValidatorByAddress(
  vals: readonly Pick<Validator, "address">[],
  address: Uint8Array,
): number {
  return vals.findIndex((v) => compareBytes(v.address, address) === 0);
}

export function validatorToProto(v: Validator): ProtoValidator {
  return {
    address: v.address,
    pubKey: { ed25519: v.pubKey },
    votingPower: v.votingPower,
    proposerPriority: v.proposerPriority ?? 0n,
  };
}

/** From the proto form; only ed25519 keys are supported, and the address must match the key. */
export function validatorFromProto(p: ProtoValidator): Validator {
  const pubKey = p.pubKey?.ed25519;
  if (pubKey === undefined || pubKey.length !== 32) throw new Error("validator must have an ed25519 pubkey");
  const address = pubKeyToAddress(pubKey);
  if (compareBytes(address, p.address) !== 0) throw new Error("validator address does not match its pubkey");
  return { address, pubKey, votingPower: p.votingPower, proposerPriority: p.proposerPriority };
}
