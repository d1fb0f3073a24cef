// Store layout of the auth module (store "auth"); see README.md.
import { concatBytes } from "../../node/crypto/merkle.js";

export const STORE = "auth";

export const PARAMS_KEY = Uint8Array.of(0x00);
export const ACCOUNT_PREFIX = Uint8Array.of(0x01);
export const NEXT_ACCOUNT_NUMBER_KEY = Uint8Array.of(0x02);
export const ACCOUNT_BY_NUMBER_PREFIX = Uint8Array.of(0x03);
export const MIN_GAS_PRICE_KEY = Uint8Array.of(0x04);

export function accountKey(address: Uint8Array): Uint8Array {
  return concatBytes(ACCOUNT_PREFIX, address);
}

export function accountByNumberKey(accountNumber: bigint): Uint8Array {
  const n = new Uint8Array(8);
  new DataView(n.buffer).setBigUint64(0, accountNumber);
  return concatBytes(ACCOUNT_BY_NUMBER_PREFIX, n);
}
