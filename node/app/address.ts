// Account addresses: bech32("open", ripemd160(sha256(compressed secp256k1 pubkey))).
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { ripemd160 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { SdkCode, sdkError } from "./errors.js";

export const ADDRESS_PREFIX = "open";

/** Decodes a bech32 account address; throws SDK code 7 with the field name on bad input. */
export function parseAddress(address: string, field = "address"): Uint8Array {
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
  return toBech32(ADDRESS_PREFIX, bytes);
}

export function addressFromSecp256k1(pubkey: Uint8Array): Uint8Array {
  return ripemd160(sha256(pubkey));
}

/** Module account address, as the SDK's authtypes.NewModuleAddress: sha256(name)[:20]. */
export function moduleAddress(name: string): Uint8Array {
  return sha256(new TextEncoder().encode(name)).slice(0, 20);
}
