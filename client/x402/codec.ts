// x402 headers (base64 of UTF-8 JSON) and the strict parsing of what arrives in them: every
// malformed input becomes an X402Error with the specification's reason, never a crash.
import { fromBech32 } from "@cosmjs/encoding";
import type { PaymentAuthorization } from "../../proto/gen/openledger/settlement/v1/types.js";
import {
  chainIdOf,
  type ErrorReason,
  type ExactCosmosPayload,
  type PaymentPayload,
  type PaymentPayloadV1,
  type PaymentRequirements,
  type PaymentRequirementsV1,
  REASONS,
  type ResourceInfo,
  SCHEME,
  X402Error,
} from "./types.js";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
const U64_MAX = (1n << 64n) - 1n;
/** Longest header value taken (a payment is well under 2 KiB). */
export const MAX_HEADER_BYTES = 16 * 1024;

export function encodeHeader(value: object): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64");
}

/** Base64 → JSON object, or X402Error(invalid_payload) naming what is wrong. */
export function decodeHeader(value: string, name: string): Record<string, unknown> {
  if (value.length > MAX_HEADER_BYTES) throw bad(`${name} is longer than ${MAX_HEADER_BYTES} bytes`);
  const trimmed = value.trim();
  if (trimmed === "" || !BASE64.test(trimmed)) throw bad(`${name} is not base64`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(trimmed, "base64")));
  } catch {
    throw bad(`${name} is not base64 of UTF-8 JSON`);
  }
  return object(json, name);
}

function bad(detail: string): X402Error {
  return new X402Error(REASONS.payload, detail);
}

function object(
  v: unknown,
  what: string,
  reason: X402Error["reason"] = REASONS.payload,
): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new X402Error(reason, `${what} must be a JSON object`);
  return v as Record<string, unknown>;
}

function str(
  o: Record<string, unknown>,
  key: string,
  what: string,
  reason: ErrorReason = REASONS.payload,
): string {
  const v = o[key];
  if (typeof v !== "string" || v === "")
    throw new X402Error(reason, `${what}.${key} must be a non-empty string`);
  return v;
}

function decimal(
  o: Record<string, unknown>,
  key: string,
  what: string,
  reason: ErrorReason = REASONS.payload,
): string {
  const v = str(o, key, what, reason);
  if (!DECIMAL.test(v)) throw new X402Error(reason, `${what}.${key} must be an unsigned decimal string`);
  return v;
}

function u64(o: Record<string, unknown>, key: string, what: string): string {
  const v = decimal(o, key, what);
  if (BigInt(v) > U64_MAX) throw bad(`${what}.${key} is out of the uint64 range`);
  return v;
}

function optionalId(o: Record<string, unknown>, key: string, what: string): string | undefined {
  if (o[key] === undefined || o[key] === null) return undefined;
  return u64(o, key, what);
}

function bech32(
  o: Record<string, unknown>,
  key: string,
  what: string,
  reason: ErrorReason = REASONS.payload,
): string {
  const v = str(o, key, what, reason);
  try {
    fromBech32(v, 90);
  } catch {
    throw new X402Error(reason, `${what}.${key} is not a bech32 address`);
  }
  return v;
}

function base64Bytes(o: Record<string, unknown>, key: string, what: string, length: number): string {
  const v = str(o, key, what);
  if (!BASE64.test(v) || Buffer.from(v, "base64").length !== length)
    throw bad(`${what}.${key} must be base64 of ${length} bytes`);
  return v;
}

function extra(
  o: Record<string, unknown>,
  what: string,
  reason: ErrorReason = REASONS.payload,
): PaymentRequirements["extra"] {
  if (o.extra === undefined || o.extra === null) return undefined;
  const e = object(o.extra, `${what}.extra`, reason);
  for (const key of ["modelId", "adapterId"])
    if (e[key] !== undefined && (typeof e[key] !== "string" || !DECIMAL.test(e[key] as string)))
      throw new X402Error(reason, `${what}.extra.${key} must be a decimal string`);
  return e as PaymentRequirements["extra"];
}

/** v2 requirements, or v1 ones (maxAmountRequired) brought to the v2 shape with their resource. */
export function parseRequirements(
  json: unknown,
  what = "paymentRequirements",
): {
  requirements: PaymentRequirements;
  resource?: ResourceInfo;
} {
  const r = REASONS.requirements;
  const o = object(json, what, r);
  const v1 = o.maxAmountRequired !== undefined;
  const timeout = o.maxTimeoutSeconds;
  if (typeof timeout !== "number" || !Number.isSafeInteger(timeout) || timeout <= 0)
    throw new X402Error(r, `${what}.maxTimeoutSeconds must be a positive integer`);
  const requirements: PaymentRequirements = {
    scheme: str(o, "scheme", what, r),
    network: str(o, "network", what, r),
    amount: decimal(o, v1 ? "maxAmountRequired" : "amount", what, r),
    asset: str(o, "asset", what, r),
    payTo: bech32(o, "payTo", what, r),
    maxTimeoutSeconds: timeout,
  };
  const e = extra(o, what, r);
  if (e !== undefined) requirements.extra = e;
  if (!v1) return { requirements };
  const resource: ResourceInfo = { url: str(o, "resource", what, r) };
  if (typeof o.description === "string") resource.description = o.description;
  if (typeof o.mimeType === "string") resource.mimeType = o.mimeType;
  return { requirements, resource };
}

export function toV1(req: PaymentRequirements, resource: ResourceInfo): PaymentRequirementsV1 {
  const v1: PaymentRequirementsV1 = {
    scheme: req.scheme,
    network: req.network,
    maxAmountRequired: req.amount,
    asset: req.asset,
    payTo: req.payTo,
    resource: resource.url,
    description: resource.description ?? "",
    mimeType: resource.mimeType ?? "",
    maxTimeoutSeconds: req.maxTimeoutSeconds,
  };
  if (req.extra !== undefined) v1.extra = req.extra;
  return v1;
}

export function parseExactPayload(json: unknown, what = "payload"): ExactCosmosPayload {
  const o = object(json, what);
  const a = object(o.authorization, `${what}.authorization`);
  const w = `${what}.authorization`;
  const nonce = str(a, "nonce", w);
  if (!/^0x[0-9a-fA-F]{64}$/.test(nonce)) throw bad(`${w}.nonce must be 0x and 64 hex digits (32 bytes)`);
  const authorization: ExactCosmosPayload["authorization"] = {
    from: bech32(a, "from", w),
    to: bech32(a, "to", w),
    value: decimal(a, "value", w),
    validAfter: u64(a, "validAfter", w),
    validBefore: u64(a, "validBefore", w),
    nonce: nonce.toLowerCase(),
    resource: str(a, "resource", w),
  };
  const modelId = optionalId(a, "modelId", w);
  const adapterId = optionalId(a, "adapterId", w);
  if (modelId !== undefined) authorization.modelId = modelId;
  if (adapterId !== undefined) authorization.adapterId = adapterId;
  return {
    signature: base64Bytes(o, "signature", what, 64),
    pubkey: base64Bytes(o, "pubkey", what, 33),
    authorization,
  };
}

/** A payment payload of either version, normalized. */
export interface ParsedPayment {
  version: 1 | 2;
  scheme: string;
  network: string;
  /** v2: the requirements the payer accepted. */
  accepted?: PaymentRequirements;
  resource?: ResourceInfo;
  payload: ExactCosmosPayload;
  /** The JSON object as received (forwarded to a facilitator unchanged). */
  raw: PaymentPayload | PaymentPayloadV1;
}

export function parsePaymentPayload(json: unknown, what = "paymentPayload"): ParsedPayment {
  const o = object(json, what);
  const version = o.x402Version;
  if (version !== 1 && version !== 2)
    throw new X402Error(
      REASONS.version,
      `${what}.x402Version must be 1 or 2, got ${JSON.stringify(version)}`,
    );
  let scheme: string;
  let network: string;
  let accepted: PaymentRequirements | undefined;
  let resource: ResourceInfo | undefined;
  if (version === 2) {
    accepted = parseRequirements(o.accepted, `${what}.accepted`).requirements;
    scheme = accepted.scheme;
    network = accepted.network;
    if (o.resource !== undefined) {
      const r = object(o.resource, `${what}.resource`);
      resource = { url: str(r, "url", `${what}.resource`) };
    }
  } else {
    scheme = str(o, "scheme", what);
    network = str(o, "network", what);
  }
  if (scheme !== SCHEME)
    throw new X402Error(REASONS.unsupportedScheme, `scheme ${JSON.stringify(scheme)} is not "exact"`);
  chainIdOf(network);
  const payload = parseExactPayload(o.payload, `${what}.payload`);
  const raw = o as unknown as PaymentPayload | PaymentPayloadV1;
  const parsed: ParsedPayment = { version, scheme, network, payload, raw };
  if (accepted) parsed.accepted = accepted;
  if (resource) parsed.resource = resource;
  return parsed;
}

/** The chain's PaymentAuthorization of a parsed payload (chain id from the network). */
export function authorizationOf(
  p: { network: string; payload: Pick<ExactCosmosPayload, "authorization"> },
  asset: string,
): PaymentAuthorization {
  const a = p.payload.authorization;
  return {
    chainId: chainIdOf(p.network),
    from: a.from,
    to: a.to,
    amount: { denom: asset, amount: a.value },
    validAfter: BigInt(a.validAfter),
    validBefore: BigInt(a.validBefore),
    nonce: Uint8Array.from(Buffer.from(a.nonce.slice(2), "hex")),
    resource: a.resource,
    modelId: BigInt(a.modelId ?? "0"),
    adapterId: BigInt(a.adapterId ?? "0"),
  };
}
