// A fetch that pays: a 402 answer is read (v2 PAYMENT-REQUIRED header, or the v1 JSON body), one
// of its requirements this payer accepts is chosen (exact scheme, this chain, the denom, at most
// maxAmount), signed, and the request is sent once more with the payment.
import type { OfflineAminoSigner } from "@cosmjs/amino";
import { decodeHeader, encodeHeader, parseRequirements } from "./codec.js";
import { paymentHeaderName, paymentPayload, type SignPaymentOptions, signPayment } from "./payer.js";
import {
  chainIdOf,
  HEADERS,
  type PaymentRequirements,
  REASONS,
  type ResourceInfo,
  SCHEME,
  type SettleResponse,
  X402Error,
} from "./types.js";

export interface PayingFetchOptions extends Omit<SignPaymentOptions, "nonce"> {
  /** The most one call may cost, in atomic units of `asset`. */
  maxAmount: bigint;
  /** Only this chain's networks are paid (default: any cosmos:<chain-id>). */
  chainId?: string;
  /** The denom paid (default "uopen"). */
  asset?: string;
  /** Called with what is about to be paid (e.g. to log or to ask the user); false declines. */
  onPayment?: (r: PaymentRequirements, resource: ResourceInfo) => boolean | Promise<boolean>;
  /**
   * Whether to sign a payment for `resource` (the server's name for it) when `requested` was
   * fetched. Default: the same origin and path, so a server cannot have a payment signed for
   * another API. A server behind a proxy that names its public URL needs its own rule here.
   */
  acceptResource?: (resource: string, requested: string) => boolean;
  /** Longest validity window signed, seconds (default 3600): requirements asking more are declined. */
  maxValiditySeconds?: number;
}

function sameOriginAndPath(resource: string, requested: string): boolean {
  try {
    const a = new URL(resource);
    const b = new URL(requested);
    return a.origin === b.origin && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

interface Offer {
  version: 1 | 2;
  resource: ResourceInfo;
  accepts: { requirements: PaymentRequirements; resource?: ResourceInfo }[];
}

/** Reads a 402 answer's offer: the PAYMENT-REQUIRED header (v2) or the JSON body (v1). */
export async function readPaymentRequired(res: Response, url: string): Promise<Offer> {
  const header = res.headers.get(HEADERS.required);
  if (header !== null) {
    const o = decodeHeader(header, HEADERS.required);
    if (o.x402Version !== 2) throw new X402Error(REASONS.version, `${HEADERS.required} is not x402Version 2`);
    const r = o.resource as Record<string, unknown> | undefined;
    const resource: ResourceInfo = { url: typeof r?.url === "string" ? r.url : url };
    return { version: 2, resource, accepts: list(o.accepts).map((a) => parseRequirements(a, "accepts[]")) };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new X402Error(REASONS.payload, "the 402 answer has neither PAYMENT-REQUIRED nor a JSON body");
  }
  const o = body as Record<string, unknown>;
  if (o?.x402Version !== 1) throw new X402Error(REASONS.version, "the 402 body is not x402Version 1");
  return {
    version: 1,
    resource: { url },
    accepts: list(o.accepts).map((a) => parseRequirements(a, "accepts[]")),
  };
}

function list(v: unknown): unknown[] {
  if (!Array.isArray(v) || v.length === 0)
    throw new X402Error(REASONS.requirements, "accepts must be a non-empty array");
  return v;
}

function choose(offer: Offer, opts: PayingFetchOptions) {
  const asset = opts.asset ?? "uopen";
  const reasons: string[] = [];
  for (const a of offer.accepts) {
    const r = a.requirements;
    let chain: string | undefined;
    try {
      chain = chainIdOf(r.network);
    } catch {
      reasons.push(`${r.network}: not a cosmos network`);
      continue;
    }
    if (r.scheme !== SCHEME) reasons.push(`${r.scheme}: not the exact scheme`);
    else if (opts.chainId !== undefined && chain !== opts.chainId)
      reasons.push(`${r.network}: not ${opts.chainId}`);
    else if (r.asset !== asset) reasons.push(`${r.asset}: not ${asset}`);
    else if (r.maxTimeoutSeconds > (opts.maxValiditySeconds ?? 3600))
      reasons.push(
        `a validity of ${r.maxTimeoutSeconds} s is more than ${opts.maxValiditySeconds ?? 3600} s`,
      );
    else if (BigInt(r.amount) > opts.maxAmount)
      reasons.push(`${r.amount}${r.asset} is more than ${opts.maxAmount}`);
    else return a;
  }
  throw new Error(`no acceptable payment requirement: ${reasons.join("; ")}`);
}

/** fetch, paying once on a 402 (the request body must be replayable: a string, bytes or none). */
export function wrapFetchWithPayment(
  fetchFn: typeof fetch,
  signer: OfflineAminoSigner,
  opts: PayingFetchOptions,
): (input: string | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init = {}) => {
    const first = await fetchFn(input, init);
    if (first.status !== 402) return first;
    const url = String(input);
    const offer = await readPaymentRequired(first, url);
    const chosen = choose(offer, opts);
    const resource = chosen.resource ?? offer.resource;
    if (!(opts.acceptResource ?? sameOriginAndPath)(resource.url, url))
      throw new Error(`not paid: the server names the resource ${resource.url}, but ${url} was requested`);
    if (opts.onPayment && !(await opts.onPayment(chosen.requirements, resource))) return first;
    const payload = await signPayment(signer, chosen.requirements, resource.url, opts);
    const headers = new Headers(init.headers);
    const body = paymentPayload(offer.version, chosen.requirements, payload, resource);
    headers.set(paymentHeaderName(offer.version), encodeHeader(body));
    return fetchFn(input, { ...init, headers });
  };
}

/** The settlement answer of a paid response (PAYMENT-RESPONSE, or v1's X-PAYMENT-RESPONSE). */
export function paymentResponse(res: Response): SettleResponse | undefined {
  const header = res.headers.get(HEADERS.response) ?? res.headers.get(HEADERS.v1Response);
  if (header === null) return undefined;
  return decodeHeader(header, HEADERS.response) as unknown as SettleResponse;
}
