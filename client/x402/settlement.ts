// From an x402 payment to MsgSettlePayment: what a facilitator (or `openledgerd tx settlement
// settle`) submits for a payment it received in a PAYMENT-SIGNATURE / X-PAYMENT header. The payload
// is parsed strictly (codec.ts), then checked by the client's msgSettlePayment builder.
import { InputError } from "../checks.js";
import type { MsgSettlePaymentEncodeObject } from "../registry.js";
import { msgSettlePayment, type SettlePaymentInput } from "../settlement-msgs.js";
import { authorizationOf, decodeHeader, type ParsedPayment, parsePaymentPayload } from "./codec.js";
import { X402Error } from "./types.js";

/** The output of a model or adapter call (see SettlePaymentInput); none for a plain payment. */
export type SettlementOutput = Pick<
  SettlePaymentInput,
  "output" | "outputSha256" | "outputSize" | "outputTokens"
>;

function isParsed(p: unknown): p is ParsedPayment {
  return typeof p === "object" && p !== null && "raw" in p && "payload" in p && "version" in p;
}

/** A payment payload (JSON object, v1 or v2) or an already parsed one; InputError("payload") if malformed. */
export function parsedPayment(payload: unknown): ParsedPayment {
  if (isParsed(payload)) return payload;
  try {
    return parsePaymentPayload(payload, "payload");
  } catch (err) {
    if (err instanceof X402Error) throw new InputError("payload", err.message);
    throw err;
  }
}

/**
 * A payment as text: the base64 value of a PAYMENT-SIGNATURE (v2) or X-PAYMENT (v1) header, or
 * the payload's JSON. InputError("payment") naming what is wrong.
 */
export function paymentFromText(text: string): ParsedPayment {
  const trimmed = text.trim();
  let json: unknown;
  if (trimmed.startsWith("{")) {
    try {
      json = JSON.parse(trimmed);
    } catch (err) {
      throw new InputError("payment", `not valid JSON (${(err as Error).message})`);
    }
  } else {
    try {
      json = decodeHeader(trimmed, "the payment header");
    } catch (err) {
      if (err instanceof X402Error) throw new InputError("payment", err.message);
      throw err;
    }
  }
  return parsedPayment(json);
}

/**
 * MsgSettlePayment for an x402 exact-scheme payment, submitted by `facilitator`. `asset` is the
 * denom paid (default: the v2 payload's accepted asset, else "uopen"); a v2 payload that accepted
 * another asset is refused, as its signature would not verify.
 */
export function msgSettlePaymentFromPayload(
  facilitator: string,
  payload: unknown,
  asset?: string,
  output: SettlementOutput = {},
): MsgSettlePaymentEncodeObject {
  const parsed = parsedPayment(payload);
  const accepted = parsed.accepted?.asset;
  if (asset !== undefined && accepted !== undefined && asset !== accepted)
    throw new InputError("asset", `the payer accepted ${accepted}, not ${asset}`);
  const authorization = authorizationOf(parsed, asset ?? accepted ?? "uopen");
  return msgSettlePayment({
    facilitator,
    authorization,
    signature: parsed.payload.signature,
    payerPubkey: parsed.payload.pubkey,
    ...output,
  });
}
