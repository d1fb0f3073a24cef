// x402 wire shapes (coinbase/x402 specification v2, with v1 compatibility) and this chain's
// "exact" scheme payload. Networks are CAIP-2: `cosmos:<chain-id>`; the asset is a bank denom.

export const X402_VERSION = 2;
export const SCHEME = "exact";
export const NETWORK_NAMESPACE = "cosmos";

/** HTTP header names: v2 puts everything in headers; v1 sends X-PAYMENT and a JSON 402 body. */
export const HEADERS = {
  required: "PAYMENT-REQUIRED",
  signature: "PAYMENT-SIGNATURE",
  response: "PAYMENT-RESPONSE",
  v1Payment: "X-PAYMENT",
  v1Response: "X-PAYMENT-RESPONSE",
} as const;

/** The error reasons of the x402 specification (section 9), named for this chain's scheme. */
export const REASONS = {
  insufficientFunds: "insufficient_funds",
  validAfter: "invalid_exact_cosmos_payload_authorization_valid_after",
  validBefore: "invalid_exact_cosmos_payload_authorization_valid_before",
  value: "invalid_exact_cosmos_payload_authorization_value",
  signature: "invalid_exact_cosmos_payload_signature",
  recipientMismatch: "invalid_exact_cosmos_payload_recipient_mismatch",
  pubkeyMismatch: "invalid_exact_cosmos_payload_pubkey_mismatch",
  nonceUsed: "invalid_exact_cosmos_payload_nonce_used",
  modelMismatch: "invalid_exact_cosmos_payload_model_mismatch",
  resourceMismatch: "invalid_exact_cosmos_payload_resource_mismatch",
  network: "invalid_network",
  payload: "invalid_payload",
  requirements: "invalid_payment_requirements",
  scheme: "invalid_scheme",
  unsupportedScheme: "unsupported_scheme",
  version: "invalid_x402_version",
  transactionState: "invalid_transaction_state",
  unexpectedVerify: "unexpected_verify_error",
  unexpectedSettle: "unexpected_settle_error",
} as const;
export type ErrorReason = (typeof REASONS)[keyof typeof REASONS];

/** An x402 failure with its specification reason and a human-readable detail. */
export class X402Error extends Error {
  constructor(
    readonly reason: ErrorReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = "X402Error";
  }
}

export interface ResourceInfo {
  url: string;
  description?: string;
  mimeType?: string;
}

/** What a paid model call adds to the requirements (the payer signs these ids). */
export interface ModelExtra {
  modelId?: string;
  adapterId?: string;
}

/** v2 PaymentRequirements. */
export interface PaymentRequirements {
  scheme: string;
  network: string;
  /** Atomic units (uopen), a decimal string. */
  amount: string;
  asset: string;
  payTo: string;
  maxTimeoutSeconds: number;
  extra?: ModelExtra & Record<string, unknown>;
}

/** v1 PaymentRequirements (the 402 JSON body). */
export interface PaymentRequirementsV1 {
  scheme: string;
  network: string;
  maxAmountRequired: string;
  asset: string;
  payTo: string;
  resource: string;
  description: string;
  mimeType: string;
  outputSchema?: unknown;
  maxTimeoutSeconds: number;
  extra?: ModelExtra & Record<string, unknown>;
}

export interface PaymentRequired {
  x402Version: 2;
  error?: string;
  resource: ResourceInfo;
  accepts: PaymentRequirements[];
  extensions?: Record<string, unknown>;
}

export interface PaymentRequiredV1 {
  x402Version: 1;
  error?: string;
  accepts: PaymentRequirementsV1[];
}

/** The exact scheme's authorization (EIP-3009's fields, plus what this chain binds). */
export interface ExactCosmosAuthorization {
  from: string;
  to: string;
  value: string;
  /** Unix seconds, decimal strings. */
  validAfter: string;
  validBefore: string;
  /** 32 random bytes, "0x" + 64 lowercase hex. */
  nonce: string;
  /** The resource URL paid for (signed, so a payment cannot be spent on another resource). */
  resource: string;
  modelId?: string;
  adapterId?: string;
}

/** The exact scheme's payload: an ADR-036 signature (base64 r‖s) and the payer's pubkey (base64). */
export interface ExactCosmosPayload {
  signature: string;
  pubkey: string;
  authorization: ExactCosmosAuthorization;
}

export interface PaymentPayload {
  x402Version: 2;
  resource?: ResourceInfo;
  accepted: PaymentRequirements;
  payload: ExactCosmosPayload;
  extensions?: Record<string, unknown>;
}

export interface PaymentPayloadV1 {
  x402Version: 1;
  scheme: string;
  network: string;
  payload: ExactCosmosPayload;
}

/** What a paid model call reports to the facilitator's /settle (this chain's extension). */
export interface InferenceOutput {
  /** The output text (inline on chain, at most attribution's max_output_bytes). */
  text: string;
  /** Output tokens, priced by the model's per-token price. */
  tokens?: string;
}

/** The body of POST /verify and /settle. */
export interface FacilitatorRequest {
  x402Version?: number;
  paymentPayload: PaymentPayload | PaymentPayloadV1;
  paymentRequirements: PaymentRequirements | PaymentRequirementsV1;
  /** Only on /settle of a model or adapter payment. */
  inferenceOutput?: InferenceOutput;
}

export interface VerifyResponse {
  isValid: boolean;
  invalidReason?: ErrorReason;
  /** Not in the specification: a human-readable detail of invalidReason. */
  invalidMessage?: string;
  payer?: string;
}

export interface SettleResponse {
  success: boolean;
  errorReason?: ErrorReason;
  /** Not in the specification: a human-readable detail of errorReason. */
  errorMessage?: string;
  payer?: string;
  /** The tx hash (uppercase hex, as CometBFT prints it); "" when not settled. */
  transaction: string;
  network: string;
}

export interface SupportedResponse {
  kinds: { x402Version: number; scheme: string; network: string; extra?: Record<string, unknown> }[];
  extensions: string[];
  signers: Record<string, string[]>;
}

export function networkOf(chainId: string): string {
  return `${NETWORK_NAMESPACE}:${chainId}`;
}

/** The chain id of a `cosmos:<chain-id>` network, or an X402Error(invalid_network). */
export function chainIdOf(network: unknown): string {
  const m = typeof network === "string" ? /^cosmos:([a-zA-Z0-9][a-zA-Z0-9._-]{0,49})$/.exec(network) : null;
  if (!m)
    throw new X402Error(REASONS.network, `${JSON.stringify(network)} is not a cosmos:<chain-id> network`);
  return m[1]!;
}
