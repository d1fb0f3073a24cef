// The payer's side: sign a payment authorization for chosen requirements with any amino signer
// (a cosmjs Secp256k1HdWallet, Keplr's offline amino signer): the ADR-036 sign doc of the
// authorization's canonical JSON (modules/settlement/README.md), so no new wallet code is needed.
import type { OfflineAminoSigner } from "@cosmjs/amino";
import {
  adr036SignDoc,
  authorizationBytes,
  authorizationSignBytes,
} from "../../modules/settlement/authorization.js";
import { authorizationOf } from "./codec.js";
import {
  chainIdOf,
  type ExactCosmosPayload,
  HEADERS,
  type PaymentPayload,
  type PaymentPayloadV1,
  type PaymentRequirements,
  REASONS,
  type ResourceInfo,
  SCHEME,
  X402Error,
} from "./types.js";

export { authorizationSignBytes };

export interface SignPaymentOptions {
  /** The paying account (default: the signer's first). */
  from?: string;
  /** Unix seconds now (default: the wall clock); the window is [now − skew, now + maxTimeoutSeconds). */
  now?: number;
  /** Seconds valid_after lies before now, for clocks behind the chain's (default 60). */
  skewSeconds?: number;
  /** 32 bytes (default: crypto.getRandomValues). */
  nonce?: Uint8Array;
}

/** Signs the exact-scheme payload paying `requirements` for `resource`. */
export async function signPayment(
  signer: OfflineAminoSigner,
  requirements: PaymentRequirements,
  resource: string,
  opts: SignPaymentOptions = {},
): Promise<ExactCosmosPayload> {
  if (requirements.scheme !== SCHEME)
    throw new X402Error(REASONS.unsupportedScheme, `scheme ${requirements.scheme} is not "exact"`);
  chainIdOf(requirements.network);
  const accounts = await signer.getAccounts();
  const account = opts.from === undefined ? accounts[0] : accounts.find((a) => a.address === opts.from);
  if (!account) throw new Error(`the signer has no account ${opts.from ?? ""}`.trim());
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const nonce = opts.nonce ?? crypto.getRandomValues(new Uint8Array(32));
  if (nonce.length !== 32) throw new Error("the nonce must be 32 bytes");
  const authorization: ExactCosmosPayload["authorization"] = {
    from: account.address,
    to: requirements.payTo,
    value: requirements.amount,
    validAfter: String(Math.max(0, now - (opts.skewSeconds ?? 60))),
    validBefore: String(now + requirements.maxTimeoutSeconds),
    nonce: `0x${Buffer.from(nonce).toString("hex")}`,
    resource,
  };
  if (requirements.extra?.modelId !== undefined) authorization.modelId = requirements.extra.modelId;
  if (requirements.extra?.adapterId !== undefined) authorization.adapterId = requirements.extra.adapterId;
  const auth = authorizationOf(
    { network: requirements.network, payload: { authorization } },
    requirements.asset,
  );
  const doc = adr036SignDoc(account.address, authorizationBytes(auth));
  const { signature } = await signer.signAmino(account.address, doc);
  return { signature: signature.signature, pubkey: signature.pub_key.value, authorization };
}

/** The v2 PAYMENT-SIGNATURE payload, or the v1 X-PAYMENT one. */
export function paymentPayload(
  version: 1 | 2,
  accepted: PaymentRequirements,
  payload: ExactCosmosPayload,
  resource?: ResourceInfo,
): PaymentPayload | PaymentPayloadV1 {
  if (version === 1) return { x402Version: 1, scheme: accepted.scheme, network: accepted.network, payload };
  const p: PaymentPayload = { x402Version: 2, accepted, payload };
  if (resource) p.resource = resource;
  return p;
}

/** The request header that carries a payment of this version. */
export function paymentHeaderName(version: 1 | 2): string {
  return version === 1 ? HEADERS.v1Payment : HEADERS.signature;
}
