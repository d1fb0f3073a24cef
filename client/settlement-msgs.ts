// Typed builder of MsgSettlePayment (x402 settlement), with the chain's stateless checks
// (modules/settlement/msgs.ts validateSettle) and the pubkey-is-the-payer's check, so a bad value
// is refused before anything is signed. Checks against state (block time in the window, nonce not
// used, balance, denom = params.denom, resource length, the signature itself) are the chain's.
// Building it from an x402 payment payload: msgSettlePaymentFromPayload in client/x402/ (kept out
// of this file so the package's main entry never loads the x402 library).
import { pubkeyToAddress } from "@cosmjs/amino";
import { fromBase64, fromHex, toBase64 } from "@cosmjs/encoding";
import type { MsgSettlePayment } from "../proto/gen/openledger/settlement/v1/tx.js";
import type { PaymentAuthorization } from "../proto/gen/openledger/settlement/v1/types.js";
import * as c from "./checks.js";
import { type MsgSettlePaymentEncodeObject, settlementTypeUrls } from "./registry.js";

export const SETTLEMENT_LIMITS = {
  nonceBytes: 32,
  signatureBytes: 64,
  pubkeyBytes: 33,
  /** Default of params.max_resource_bytes (checked by the chain; a node may be configured otherwise). */
  defaultMaxResourceBytes: 2048,
} as const;

const DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const AMOUNT = /^[1-9][0-9]{0,76}$/;

/** A payment authorization as the payer signed it (see modules/settlement/README.md). */
export interface AuthorizationInput {
  chainId: string;
  /** The payer. */
  from: string;
  /** The payee (for a model or adapter payment: its owner). */
  to: string;
  /** A positive amount of a denom: a Coin or "12345uopen". */
  amount: { denom: string; amount: c.U64Like } | string;
  /** Unix seconds; validAfter < validBefore. */
  validAfter: c.U64Like;
  validBefore: c.U64Like;
  /** 32 bytes, or 64 hex characters (with or without "0x"). */
  nonce: Uint8Array | string;
  /** What was paid for (x402: the resource URL). */
  resource: string;
  /** At most one of modelId and adapterId. */
  modelId?: c.U64Like;
  adapterId?: c.U64Like;
}

export interface SettlePaymentInput {
  /** The submitting account (the tx's signer, who pays the gas). */
  facilitator: string;
  authorization: AuthorizationInput | PaymentAuthorization;
  /** The payer's secp256k1 r‖s: 64 bytes, 128 hex characters or base64 (as in an x402 payload). */
  signature: Uint8Array | string;
  /** The payer's compressed secp256k1 key: 33 bytes, 66 hex characters or base64. */
  payerPubkey: Uint8Array | string;
  /** Model or adapter payments only: the output inline (at most attribution's max_output_bytes) … */
  output?: string;
  /** … or its sha256 and size in the content store. */
  outputSha256?: Uint8Array | string;
  outputSize?: c.U64Like;
  /** Output tokens, priced by the model's per-token price. */
  outputTokens?: c.U64Like;
}

/** Bytes given as bytes, hex (exactly 2 × length characters, optional 0x) or base64. */
export function fixedBytes(field: string, value: Uint8Array | string, length: number): Uint8Array {
  let bytes: Uint8Array | undefined;
  if (value instanceof Uint8Array) bytes = Uint8Array.from(value);
  else if (typeof value === "string") {
    const s = value.trim();
    const hex = s.startsWith("0x") || s.startsWith("0X") ? s.slice(2) : s;
    if (hex.length === 2 * length && /^[0-9a-fA-F]*$/.test(hex)) bytes = fromHex(hex);
    else if (/^[A-Za-z0-9+/]+={0,2}$/.test(s) && s.length % 4 === 0) {
      try {
        bytes = fromBase64(s);
      } catch {
        bytes = undefined;
      }
    }
  }
  if (bytes?.length !== length)
    throw new c.InputError(field, `must be ${length} bytes (${2 * length} hex characters or base64)`);
  return bytes;
}

function paymentAmount(value: AuthorizationInput["amount"] | undefined): { denom: string; amount: string } {
  let denom: string;
  let amount: string;
  if (typeof value === "string") {
    const m = /^([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(value.trim());
    if (!m)
      throw new c.InputError("authorization.amount", `"${value}" must read <amount><denom>, e.g. 5000uopen`);
    [amount, denom] = [m[1]!, m[2]!];
  } else if (value !== null && typeof value === "object") {
    denom = value.denom;
    amount = c.amount("authorization.amount", value.amount, "");
  } else throw new c.InputError("authorization.amount", "an amount is required");
  if (typeof denom !== "string" || !DENOM.test(denom))
    throw new c.InputError("authorization.amount", `${JSON.stringify(denom)} is not a valid denom`);
  if (!AMOUNT.test(amount))
    throw new c.InputError("authorization.amount", `${JSON.stringify(amount)} must be a positive amount`);
  return { denom, amount };
}

/** The chain's PaymentAuthorization, checked as validateAuthorization does. */
export function paymentAuthorization(input: AuthorizationInput | PaymentAuthorization): PaymentAuthorization {
  if (input === null || typeof input !== "object")
    throw new c.InputError("authorization", "an authorization is required");
  const chainId = c.text("authorization.chainId", input.chainId, 50);
  if (chainId === "") throw new c.InputError("authorization.chainId", "is required");
  const validAfter = c.u64("authorization.validAfter", input.validAfter);
  const validBefore = c.u64("authorization.validBefore", input.validBefore);
  if (validAfter >= validBefore)
    throw new c.InputError(
      "authorization.validBefore",
      `valid_after ${validAfter} must be before valid_before ${validBefore}`,
    );
  if (typeof input.resource !== "string" || input.resource === "")
    throw new c.InputError("authorization.resource", "is required");
  const modelId = c.u64("authorization.modelId", input.modelId ?? 0);
  const adapterId = c.u64("authorization.adapterId", input.adapterId ?? 0);
  if (modelId !== 0n && adapterId !== 0n)
    throw new c.InputError("authorization.modelId", "at most one of modelId and adapterId may be set");
  return {
    chainId,
    from: c.address("authorization.from", input.from),
    to: c.address("authorization.to", input.to),
    amount: paymentAmount(input.amount),
    validAfter,
    validBefore,
    nonce: fixedBytes("authorization.nonce", input.nonce, SETTLEMENT_LIMITS.nonceBytes),
    resource: input.resource,
    modelId,
    adapterId,
  };
}

/** MsgSettlePayment: the facilitator submits a payer-signed authorization (and, for a model, the output). */
export function msgSettlePayment(input: SettlePaymentInput): MsgSettlePaymentEncodeObject {
  const facilitator = c.address("facilitator", input.facilitator);
  const authorization = paymentAuthorization(input.authorization);
  const signature = fixedBytes("signature", input.signature, SETTLEMENT_LIMITS.signatureBytes);
  const payerPubkey = fixedBytes("payerPubkey", input.payerPubkey, SETTLEMENT_LIMITS.pubkeyBytes);
  const owner = pubkeyToAddress(
    { type: "tendermint/PubKeySecp256k1", value: toBase64(payerPubkey) },
    c.ADDRESS_PREFIX,
  );
  if (owner !== authorization.from)
    throw new c.InputError("payerPubkey", `is ${owner}'s key, not the payer ${authorization.from}'s`);
  const forModel = authorization.modelId !== 0n || authorization.adapterId !== 0n;
  const inline = input.output !== undefined && input.output !== "";
  const byHash = input.outputSha256 !== undefined;
  const output: Pick<MsgSettlePayment, "outputText" | "outputSha256" | "outputSize" | "outputTokens"> = {
    outputText: "",
    outputSha256: new Uint8Array(0),
    outputSize: 0n,
    outputTokens: 0n,
  };
  if (!forModel) {
    const size = input.outputSize === undefined ? 0n : c.u64("outputSize", input.outputSize);
    const tokens = input.outputTokens === undefined ? 0n : c.u64("outputTokens", input.outputTokens);
    if (inline || byHash || size !== 0n || tokens !== 0n)
      throw new c.InputError(
        "output",
        "output, outputSha256, outputSize and outputTokens are for model payments only",
      );
  } else {
    if (inline === byHash)
      throw new c.InputError(
        "output",
        "a model or adapter payment needs exactly one of output and outputSha256",
      );
    if (inline) {
      if (input.outputSize !== undefined)
        throw new c.InputError("outputSize", "give it with outputSha256, not with output");
      if (typeof input.output !== "string") throw new c.InputError("output", "must be a string");
      output.outputText = input.output;
    } else {
      output.outputSha256 = c.sha256Bytes("outputSha256", input.outputSha256!);
      output.outputSize = c.u64("outputSize", input.outputSize ?? 0, { positive: true });
    }
    output.outputTokens = c.u64("outputTokens", input.outputTokens ?? 0);
  }
  return {
    typeUrl: settlementTypeUrls.settlePayment,
    value: { facilitator, authorization, signature, payerPubkey, ...output },
  };
}
