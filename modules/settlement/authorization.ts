// The payment authorization's canonical JSON and its ADR-036 sign bytes (what Keplr's
// signArbitrary and a cosmjs amino signer sign), and their verification. See README.md.
import { makeSignDoc, type StdSignDoc, serializeSignDoc } from "@cosmjs/amino";
import { toBase64, toHex } from "@cosmjs/encoding";
import { isLowS, verifySecp256k1 } from "../../node/crypto/secp256k1.js";
import type { PaymentAuthorization } from "../../proto/gen/openledger/settlement/v1/types.js";

/** The first field of every authorization: keeps these bytes apart from any other signed message. */
export const AUTHORIZATION_DOMAIN = "openledger/x402-payment/v1";

const utf8 = new TextEncoder();

/**
 * The canonical JSON of an authorization: keys in this fixed order, no whitespace, numbers as
 * decimal strings (times in unix seconds), the nonce as lowercase hex, escapes as JSON.stringify.
 */
export function authorizationJson(a: PaymentAuthorization): string {
  return JSON.stringify({ domain: AUTHORIZATION_DOMAIN, ...authorizationFields(a) });
}

/** The authorization's fields as JSON values, in canonical order (also its genesis form). */
export function authorizationFields(a: PaymentAuthorization) {
  return {
    chain_id: a.chainId,
    from: a.from,
    to: a.to,
    amount: { denom: a.amount?.denom ?? "", amount: a.amount?.amount ?? "" },
    valid_after: a.validAfter.toString(),
    valid_before: a.validBefore.toString(),
    nonce: toHex(a.nonce),
    resource: a.resource,
    model_id: a.modelId.toString(),
    adapter_id: a.adapterId.toString(),
  };
}

export function authorizationBytes(a: PaymentAuthorization): Uint8Array {
  return utf8.encode(authorizationJson(a));
}

/** ADR-036's amino sign doc over `data`, signed by `signer` (chain id "", account 0, sequence 0). */
export function adr036SignDoc(signer: string, data: Uint8Array): StdSignDoc {
  const msg = { type: "sign/MsgSignData", value: { signer, data: toBase64(data) } };
  return makeSignDoc([msg], { gas: "0", amount: [] }, "", "", 0, 0);
}

/** The bytes the payer signs: the sorted-key JSON of the ADR-036 sign doc of the canonical JSON. */
export function authorizationSignBytes(a: PaymentAuthorization): Uint8Array {
  return serializeSignDoc(adr036SignDoc(a.from, authorizationBytes(a)));
}

/** secp256k1 (64-byte r‖s, low S) over sha256(sign bytes) under the 33-byte compressed pubkey. */
export function verifyAuthorization(
  a: PaymentAuthorization,
  pubkey: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== 64 || pubkey.length !== 33 || !isLowS(signature)) return false;
  return verifySecp256k1(pubkey, authorizationSignBytes(a), signature);
}
