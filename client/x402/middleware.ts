// Resource-server middleware for Node's http and express-style servers. A route declares its price
// (0: free), payee and optional model; an unpaid request gets 402 with PAYMENT-REQUIRED (and the v1
// JSON body); a paid one is verified by the facilitator, served (the handler's answer is held back),
// settled, and answered with PAYMENT-RESPONSE. A handler answering ≥ 400, or a client gone before
// the answer, is not charged; a payment is in one request at a time; a refusal sends nothing of
// what the handler wrote.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { decodeHeader, encodeHeader, type ParsedPayment, parsePaymentPayload, toV1 } from "./codec.js";
import { FacilitatorClient } from "./facilitator-client.js";
import {
  type ErrorReason,
  HEADERS,
  type InferenceOutput,
  networkOf,
  type PaymentRequired,
  type PaymentRequirements,
  REASONS,
  type ResourceInfo,
  SCHEME,
  type SettleResponse,
  X402Error,
} from "./types.js";

export interface PaidRoute {
  /** The price in atomic units of asset. */
  amount: bigint | string | number;
  payTo: string;
  /** Default "uopen". */
  asset?: string;
  /** A model (or adapter) call: the payment becomes its inference fee, split by attribution. */
  modelId?: bigint | string | number;
  adapterId?: bigint | string | number;
  description?: string;
  mimeType?: string;
  /** Default 120. */
  maxTimeoutSeconds?: number;
  /** Model routes: the output recorded for attribution, from the response body (default: the body as text). */
  inferenceOutput?: (body: Buffer, req: IncomingMessage) => InferenceOutput;
}

export interface PaywallOptions {
  /** A FacilitatorClient or its URL (a node's http://host:26657/x402). */
  facilitator: FacilitatorClient | string;
  chainId: string;
  /** The resource URL of a request (default http://<Host header><url>). */
  resourceUrl?: (req: IncomingMessage) => string;
}

type Next = (err?: unknown) => void;
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => Promise<void>;

function requirementsOf(route: PaidRoute, opts: PaywallOptions): PaymentRequirements {
  const amount = BigInt(route.amount);
  if (amount < 0n) throw new Error(`a paid route's amount must not be negative, got ${amount}`);
  const r: PaymentRequirements = {
    scheme: SCHEME,
    network: networkOf(opts.chainId),
    amount: amount.toString(),
    asset: route.asset ?? "uopen",
    payTo: route.payTo,
    maxTimeoutSeconds: route.maxTimeoutSeconds ?? 120,
  };
  if (route.modelId !== undefined) r.extra = { modelId: BigInt(route.modelId).toString() };
  if (route.adapterId !== undefined) r.extra = { adapterId: BigInt(route.adapterId).toString() };
  return r;
}

function send(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** 402 with the v2 PAYMENT-REQUIRED header and the v1 JSON body. */
function paymentRequired(
  res: ServerResponse,
  req: PaymentRequirements,
  resource: ResourceInfo,
  error: string,
) {
  const v2: PaymentRequired = { x402Version: 2, error, resource, accepts: [req] };
  send(
    res,
    402,
    { [HEADERS.required]: encodeHeader(v2) },
    { x402Version: 1, error, accepts: [toV1(req, resource)] },
  );
}

/**
 * Payments (payer/nonce) from their verification to the end of their settlement in this process:
 * the same payment in another request meanwhile, on any paid route, is refused before its handler
 * runs (one payment, one run). Process-wide, as servers may build a route's middleware per request.
 */
const inFlight = new Map<string, object>();

/**
 * Express-style middleware: `app.get("/path", requirePayment(route, opts), handler)`. next() is
 * called only for a verified payment. An unexpected error (a facilitator answering nonsense, a
 * throwing resourceUrl) is answered here with 500: never passed on as next(err), which a stack
 * that ignores the error would take as leave to serve.
 */
export function requirePayment(route: PaidRoute, opts: PaywallOptions): Middleware {
  const facilitator =
    typeof opts.facilitator === "string" ? new FacilitatorClient(opts.facilitator) : opts.facilitator;
  const requirements = requirementsOf(route, opts);
  // Nothing to pay (e.g. a model registered at price 0): the chain settles no zero payments, so
  // asking for one would refuse every call. The route is free.
  if (requirements.amount === "0") return async (_req, _res, next) => next();
  const forModel = route.modelId !== undefined || route.adapterId !== undefined;

  /** Answers the request itself, or returns true: verified, the handler's answer held back. */
  async function admit(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = opts.resourceUrl?.(req) ?? `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
    const resource: ResourceInfo = { url };
    if (route.description) resource.description = route.description;
    if (route.mimeType) resource.mimeType = route.mimeType;
    const v2Header = req.headers[HEADERS.signature.toLowerCase()];
    const v1Header = req.headers[HEADERS.v1Payment.toLowerCase()];
    const header = v2Header ?? v1Header;
    if (header === undefined) {
      paymentRequired(res, requirements, resource, `${HEADERS.signature} header is required`);
      return false;
    }
    let payment: ParsedPayment;
    try {
      if (Array.isArray(header)) throw new X402Error(REASONS.payload, "more than one payment header");
      payment = parsePaymentPayload(decodeHeader(header, v2Header ? HEADERS.signature : HEADERS.v1Payment));
      const wanted = v2Header ? 2 : 1;
      if (payment.version !== wanted)
        throw new X402Error(
          REASONS.version,
          `${v2Header ? HEADERS.signature : HEADERS.v1Payment} carries x402Version ${payment.version}, not ${wanted}`,
        );
    } catch (err) {
      if (!(err instanceof X402Error)) throw err;
      const body = { x402Version: 2, error: err.reason, message: err.message };
      send(
        res,
        400,
        { [HEADERS.required]: encodeHeader({ ...body, resource, accepts: [requirements] }) },
        body,
      );
      return false;
    }
    const refuse = (reason: ErrorReason, message: string) =>
      paymentRequired(res, requirements, resource, `${reason}: ${message}`);
    const auth = payment.payload.authorization;
    if (auth.resource !== url) {
      refuse(REASONS.resourceMismatch, `the payment is for ${auth.resource}, not ${url}`);
      return false;
    }
    const key = `${auth.from}/${auth.nonce}`;
    if (inFlight.has(key)) {
      refuse(REASONS.nonceUsed, `nonce ${auth.nonce} of ${auth.from} is in use by another request`);
      return false;
    }
    const token = {};
    inFlight.set(key, token);
    const release = () => {
      if (inFlight.get(key) === token) inFlight.delete(key);
    };
    let settling = false;
    // A connection closed before the answer is settled: nothing is charged, the payment is free.
    res.once("close", () => {
      if (!settling) release();
    });
    try {
      const paymentRequirements = payment.version === 1 ? toV1(requirements, resource) : requirements;
      const body = { x402Version: payment.version, paymentPayload: payment.raw, paymentRequirements };
      let verdict: Awaited<ReturnType<FacilitatorClient["verify"]>> | null;
      try {
        verdict = await facilitator.verify(body);
      } catch (err) {
        release();
        send(res, 502, {}, { error: REASONS.unexpectedVerify, message: (err as Error).message });
        return false;
      }
      if (!verdict?.isValid) {
        release();
        refuse(
          verdict?.invalidReason ?? REASONS.unexpectedVerify,
          verdict?.invalidMessage ?? "refused by the facilitator",
        );
        return false;
      }
      holdResponse(res, async (status, chunks, flush) => {
        // The call failed, or nobody is left to receive its answer: nothing is charged.
        if (status >= 400 || res.destroyed) {
          release();
          return flush();
        }
        settling = true;
        try {
          const output = Buffer.concat(chunks);
          let settled: SettleResponse | null;
          try {
            const inferenceOutput = forModel
              ? (route.inferenceOutput?.(output, req) ?? { text: output.toString("utf8") })
              : undefined;
            settled = await facilitator.settle(inferenceOutput ? { ...body, inferenceOutput } : body);
          } catch (err) {
            settled = {
              success: false,
              errorReason: REASONS.unexpectedSettle,
              errorMessage: (err as Error).message,
              transaction: "",
              network: requirements.network,
            };
          }
          const responseHeader = payment.version === 1 ? HEADERS.v1Response : HEADERS.response;
          if (!settled?.success) {
            // Not paid: nothing of the handler's answer goes out, its headers included.
            clearHeaders(res);
            if (settled) res.setHeader(responseHeader, encodeHeader(settled));
            return refuse(
              settled?.errorReason ?? REASONS.unexpectedSettle,
              settled?.errorMessage ?? "settlement failed",
            );
          }
          res.setHeader(responseHeader, encodeHeader(settled));
          flush();
        } finally {
          release();
        }
      });
      return true;
    } catch (err) {
      release();
      throw err;
    }
  }

  return async (req, res, next) => {
    let serve: boolean;
    try {
      serve = await admit(req, res);
    } catch (err) {
      return fail(res, err);
    }
    if (serve) next();
  };
}

/** Node http: `createServer(withPayment(route, opts, (req, res) => …))`. */
export function withPayment(
  route: PaidRoute,
  opts: PaywallOptions,
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const middleware = requirePayment(route, opts);
  return (req, res) =>
    middleware(req, res, () => {
      try {
        Promise.resolve(handler(req, res)).catch((e) => fail(res, e));
      } catch (e) {
        fail(res, e);
      }
    });
}

function clearHeaders(res: ServerResponse): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
}

function fail(res: ServerResponse, err: unknown): void {
  if (res.headersSent) return void res.destroy(err as Error);
  clearHeaders(res);
  send(res, 500, {}, { error: (err as Error).message });
}

/**
 * Holds back what the handler writes (status, headers, body) until it ends, then calls `done`;
 * `flush` sends what was held with any headers set meanwhile.
 */
function holdResponse(
  res: ServerResponse,
  done: (status: number, chunks: Buffer[], flush: () => void) => Promise<void>,
): void {
  const chunks: Buffer[] = [];
  const original = { writeHead: res.writeHead, write: res.write, end: res.end };
  const restore = () => Object.assign(res, original);
  const add = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    chunks.push(
      Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk as string, (typeof encoding === "string" ? encoding : "utf8") as BufferEncoding),
    );
  };
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    res.statusCode = status;
    const headers = rest.find((r) => typeof r === "object" && r !== null) as
      | OutgoingHttpHeaders
      | string[]
      | undefined;
    if (Array.isArray(headers))
      for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
    else if (headers) for (const [k, v] of Object.entries(headers)) if (v !== undefined) res.setHeader(k, v);
    return res;
  }) as typeof res.writeHead;
  res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    add(chunk, encoding);
    const callback = typeof encoding === "function" ? encoding : cb;
    if (typeof callback === "function") queueMicrotask(() => callback());
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown, encoding?: unknown) => {
    add(chunk, encoding);
    restore();
    const flush = () => {
      const body = Buffer.concat(chunks);
      if (!res.headersSent) res.setHeader("content-length", body.length);
      res.end(body);
    };
    done(res.statusCode, chunks, flush).catch((err) => fail(res, err));
    return res;
  }) as typeof res.end;
}
