// Store layout of the bank module (store "bank"), following x/bank's prefixes; see README.md.
import { concatBytes } from "../../node/crypto/merkle.js";
import { utf8Bytes } from "../../node/store/kv.js";

export const STORE = "bank";

export const SUPPLY_PREFIX = Uint8Array.of(0x00);
export const DENOM_METADATA_PREFIX = Uint8Array.of(0x01);
export const BALANCES_PREFIX = Uint8Array.of(0x02);
export const SEND_ENABLED_PREFIX = Uint8Array.of(0x04);
export const PARAMS_KEY = Uint8Array.of(0x05);

export function supplyKey(denom: string): Uint8Array {
  return concatBytes(SUPPLY_PREFIX, utf8Bytes(denom));
}

export function denomMetadataKey(denom: string): Uint8Array {
  return concatBytes(DENOM_METADATA_PREFIX, utf8Bytes(denom));
}

/** 0x02 ‖ len(addr) ‖ addr: every balance of one account, ordered by denom. */
export function balancesPrefix(address: Uint8Array): Uint8Array {
  return concatBytes(BALANCES_PREFIX, Uint8Array.of(address.length), address);
}

export function balanceKey(address: Uint8Array, denom: string): Uint8Array {
  // balancesPrefix(address) ‖ utf8(denom) in one allocation: every send reads and writes four.
  const d = utf8Bytes(denom);
  const key = new Uint8Array(2 + address.length + d.length);
  key[0] = BALANCES_PREFIX[0]!;
  key[1] = address.length;
  key.set(address, 2);
  key.set(d, 2 + address.length);
  return key;
}

export function sendEnabledKey(denom: string): Uint8Array {
  return concatBytes(SEND_ENABLED_PREFIX, utf8Bytes(denom));
}
