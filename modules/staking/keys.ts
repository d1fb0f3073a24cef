// Store layout of the staking module (store "staking"); see README.md. Addresses are
// length-prefixed wherever anything follows them; times and powers are 8-byte big-endian, so keys
// sort numerically and iteration (the only order used) is deterministic.
import { concatBytes } from "../../node/crypto/merkle.js";

export const STORE = "staking";

export const PARAMS_KEY = Uint8Array.of(0x00);
export const VALIDATOR_PREFIX = Uint8Array.of(0x21);
export const BY_CONS_ADDR_PREFIX = Uint8Array.of(0x22);
export const TOMBSTONE_PREFIX = Uint8Array.of(0x23);
export const LAST_POWER_PREFIX = Uint8Array.of(0x24);
export const DELEGATION_PREFIX = Uint8Array.of(0x31);
export const DELEGATION_BY_VAL_PREFIX = Uint8Array.of(0x32);
export const UNBONDING_PREFIX = Uint8Array.of(0x41);
export const UNBONDING_BY_VAL_PREFIX = Uint8Array.of(0x42);
export const UNBONDING_QUEUE_PREFIX = Uint8Array.of(0x43);

/** A marker value for index entries (the store keeps no empty values). */
export const PRESENT = Uint8Array.of(1);

export function u64be(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

export function readU64be(b: Uint8Array, offset = 0): bigint {
  if (b.length < offset + 8) throw new Error(`staking store: short key or value (${b.length} bytes)`);
  return new DataView(b.buffer, b.byteOffset + offset, 8).getBigUint64(0);
}

export function lp(bytes: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(bytes.length), bytes);
}

/** Splits `len ‖ bytes ‖ len ‖ bytes` (two length-prefixed addresses) at `offset`. */
export function readTwo(key: Uint8Array, offset: number): [Uint8Array, Uint8Array] {
  const n1 = key[offset]!;
  const a = key.slice(offset + 1, offset + 1 + n1);
  const n2 = key[offset + 1 + n1]!;
  const b = key.slice(offset + 2 + n1, offset + 2 + n1 + n2);
  return [a, b];
}

export const validatorKey = (operator: Uint8Array) => concatBytes(VALIDATOR_PREFIX, lp(operator));
export const consAddrKey = (consAddr: Uint8Array) => concatBytes(BY_CONS_ADDR_PREFIX, consAddr);
export const tombstoneKey = (consAddr: Uint8Array) => concatBytes(TOMBSTONE_PREFIX, consAddr);
export const lastPowerKey = (operator: Uint8Array) => concatBytes(LAST_POWER_PREFIX, lp(operator));

export const delegationKey = (delegator: Uint8Array, operator: Uint8Array) =>
  concatBytes(DELEGATION_PREFIX, lp(delegator), lp(operator));
export const delegationsOfPrefix = (delegator: Uint8Array) => concatBytes(DELEGATION_PREFIX, lp(delegator));
export const delegationByValKey = (operator: Uint8Array, delegator: Uint8Array) =>
  concatBytes(DELEGATION_BY_VAL_PREFIX, lp(operator), lp(delegator));
export const delegationsToPrefix = (operator: Uint8Array) =>
  concatBytes(DELEGATION_BY_VAL_PREFIX, lp(operator));

export const unbondingKey = (delegator: Uint8Array, operator: Uint8Array) =>
  concatBytes(UNBONDING_PREFIX, lp(delegator), lp(operator));
export const unbondingsOfPrefix = (delegator: Uint8Array) => concatBytes(UNBONDING_PREFIX, lp(delegator));
export const unbondingByValKey = (operator: Uint8Array, delegator: Uint8Array) =>
  concatBytes(UNBONDING_BY_VAL_PREFIX, lp(operator), lp(delegator));
export const unbondingsFromPrefix = (operator: Uint8Array) =>
  concatBytes(UNBONDING_BY_VAL_PREFIX, lp(operator));

/** Queue of unbonding completions: time (ns, clamped at 0) ‖ delegator ‖ operator → PRESENT. */
export const queueKey = (completionNs: bigint, delegator: Uint8Array, operator: Uint8Array) =>
  concatBytes(
    UNBONDING_QUEUE_PREFIX,
    u64be(completionNs < 0n ? 0n : completionNs),
    lp(delegator),
    lp(operator),
  );
