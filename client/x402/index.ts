// The x402 library (pay-per-call over HTTP 402, settled by this chain), exported as the package's
// "./x402" entry: wire types, header codec, the payer's signing, a paying fetch, resource-server
// middleware, a facilitator client, and MsgSettlePayment from a payment. Node only (it verifies and
// signs with node crypto), so the main entry ("." → client/index.ts) does not import it.

export {
  authorizationOf,
  decodeHeader,
  encodeHeader,
  MAX_HEADER_BYTES,
  type ParsedPayment,
  parseExactPayload,
  parsePaymentPayload,
  parseRequirements,
  toV1,
} from "./codec.js";
export { FacilitatorClient } from "./facilitator-client.js";
export {
  type PayingFetchOptions,
  paymentResponse,
  readPaymentRequired,
  wrapFetchWithPayment,
} from "./fetch.js";
export {
  type Middleware,
  type PaidRoute,
  type PaywallOptions,
  requirePayment,
  withPayment,
} from "./middleware.js";
export {
  authorizationSignBytes,
  paymentHeaderName,
  paymentPayload,
  type SignPaymentOptions,
  signPayment,
} from "./payer.js";
export {
  msgSettlePaymentFromPayload,
  parsedPayment,
  paymentFromText,
  type SettlementOutput,
} from "./settlement.js";
export * from "./types.js";
