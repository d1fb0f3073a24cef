// Account addresses: bech32("open", ripemd160(sha256(compressed secp256k1 pubkey))).
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { sha256 } from "../crypto/sha256.js";
import { keyToString } from "../store/kv.js";
import { SdkCode, sdkError } from "./errors.js";

export const ADDRESS_PREFIX = "open";

/**
 * Every tx decodes and encodes the same few addresses several times (validateBasic, ante, message
 * handler, events), and bech32 costs about a microsecond each way: remember recent results. Pure
 * functions of their input, so a bounded cache changes nothing but time. Only successes are kept.
 */
const CACHE_SIZE = 8192;
const parsed = new Map<string, Uint8Array>();
const formatted = new Map<string, string>();
const pubkeyAddresses = new Map<string, Uint8Array>();

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}

/** Decodes a bech32 account address; throws SDK code 7 with the field name on bad input. */
export function parseAddress(address: string, field = "address"): Uint8Array {
  const hit = parsed.get(address);
  if (hit) return hit.slice();
  const bytes = decodeAddress(address, field);
  remember(parsed, address, bytes.slice());
  return bytes;
}

function decodeAddress(address: string, field: string): Uint8Array {
  if (!address) throw sdkError(SdkCode.InvalidAddress, `${field} is empty`);
  let decoded: { prefix: string; data: Uint8Array };
  try {
    // An explicit limit: cosmjs's default (Infinity) is refused by @scure/base 2.x, which would
    // make every address invalid. 1023 is the Cosmos SDK's limit (bech32.DecodeAndConvert).
    decoded = fromBech32(address, 1023);
  } catch (err) {
    throw sdkError(SdkCode.InvalidAddress, `invalid ${field} ${address}: ${(err as Error).message}`);
  }
  if (decoded.prefix !== ADDRESS_PREFIX) {
    throw sdkError(
      SdkCode.InvalidAddress,
      `invalid ${field} ${address}: prefix "${decoded.prefix}", expected "${ADDRESS_PREFIX}"`,
    );
  }
  if (decoded.data.length !== 20 && decoded.data.length !== 32) {
    throw sdkError(SdkCode.InvalidAddress, `invalid ${field} ${address}: ${decoded.data.length} bytes`);
  }
  return decoded.data;
}

export function formatAddress(bytes: Uint8Array): string {
  const key = keyToString(bytes);
  let address = formatted.get(key);
  if (address === undefined) {
    address = toBech32(ADDRESS_PREFIX, bytes);
    remember(formatted, key, address);
  }
  return address;
}

export function addressFromSecp256k1(pubkey: Uint8Array): Uint8Array {
  const key = keyToString(pubkey);
  let address = pubkeyAddresses.get(key);
  if (!address) {
    address = ripemd160(sha256(pubkey));
    remember(pubkeyAddresses, key, address);
  }
  return address.slice();
}

/** Module account address, as the SDK's authtypes.NewModuleAddress: sha256(name)[:20]. */
export function moduleAddress(name: string): Uint8Array {
  return sha256(new TextEncoder().encode(name)).slice(0, 20);
}
