// Staking addresses: operator addresses are the operator account's bytes under the prefix
// `openvaloper`; consensus addresses are sha256(ed25519 key)[:20] (as CometBFT), shown under
// `openvalcons`. Consensus keys travel as Any /cosmos.crypto.ed25519.PubKey.
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { ADDRESS_PREFIX } from "../../node/app/address.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import { sha256 } from "../../node/crypto/sha256.js";
import { StakingCode, stakingError } from "./errors.js";

export const VALOPER_PREFIX = `${ADDRESS_PREFIX}valoper`;
export const VALCONS_PREFIX = `${ADDRESS_PREFIX}valcons`;
export const ED25519_PUBKEY_URL = "/cosmos.crypto.ed25519.PubKey";

/** Decodes an `openvaloper1…` address to its bytes; SDK code 7 naming the field on bad input. */
export function parseValoper(address: string, field = "validator_address"): Uint8Array {
  if (!address) throw stakingError(StakingCode.EmptyValidatorAddr, `${field} is empty`);
  let decoded: { prefix: string; data: Uint8Array };
  try {
    decoded = fromBech32(address, 1023);
  } catch (err) {
    throw sdkError(SdkCode.InvalidAddress, `invalid ${field} ${address}: ${(err as Error).message}`);
  }
  if (decoded.prefix !== VALOPER_PREFIX)
    throw sdkError(
      SdkCode.InvalidAddress,
      `invalid ${field} ${address}: prefix "${decoded.prefix}", expected "${VALOPER_PREFIX}"`,
    );
  if (decoded.data.length !== 20 && decoded.data.length !== 32)
    throw sdkError(SdkCode.InvalidAddress, `invalid ${field} ${address}: ${decoded.data.length} bytes`);
  return decoded.data;
}

export function formatValoper(bytes: Uint8Array): string {
  return toBech32(VALOPER_PREFIX, bytes);
}

export function formatValcons(consAddress: Uint8Array): string {
  return toBech32(VALCONS_PREFIX, consAddress);
}

export function parseValcons(address: string, field = "address"): Uint8Array {
  let decoded: { prefix: string; data: Uint8Array };
  try {
    decoded = fromBech32(address, 1023);
  } catch (err) {
    throw new Error(`invalid ${field} ${address}: ${(err as Error).message}`);
  }
  if (decoded.prefix !== VALCONS_PREFIX || decoded.data.length !== 20)
    throw new Error(`invalid ${field} ${address}: expected ${VALCONS_PREFIX}1… of 20 bytes`);
  return decoded.data;
}

/** CometBFT's validator address: sha256(pubkey)[:20]. */
export function consensusAddress(pubKey: Uint8Array): Uint8Array {
  return sha256(pubKey).slice(0, 20);
}

/** The 32 key bytes of an Any /cosmos.crypto.ed25519.PubKey; staking errors 39, 6 or SDK 8 otherwise. */
export function ed25519FromAny(any: Any | undefined): Uint8Array {
  if (!any || (any.typeUrl === "" && any.value.length === 0))
    throw stakingError(StakingCode.EmptyValidatorPubKey, "pubkey is missing");
  if (any.typeUrl !== ED25519_PUBKEY_URL)
    throw stakingError(
      StakingCode.ValidatorPubKeyTypeNotSupported,
      `got ${JSON.stringify(any.typeUrl)}, supported: ${ED25519_PUBKEY_URL}`,
    );
  let key: Uint8Array;
  try {
    key = PubKey.decode(any.value).key;
  } catch (err) {
    throw sdkError(SdkCode.InvalidPubKey, `cannot decode the ed25519 pubkey: ${(err as Error).message}`);
  }
  if (key.length !== 32)
    throw sdkError(SdkCode.InvalidPubKey, `ed25519 pubkey must be 32 bytes, got ${key.length}`);
  return key;
}

export function ed25519ToAny(key: Uint8Array): Any {
  return { typeUrl: ED25519_PUBKEY_URL, value: PubKey.encode({ key }).finish() };
}
