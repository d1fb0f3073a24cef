// JSON-RPC 2.0 request handling shared by HTTP POST, GET URI and the websocket.
import {
  INTERNAL_ERROR,
  INVALID_PARAMS,
  INVALID_REQUEST,
  METHOD_NOT_FOUND,
  PARSE_ERROR,
  RpcError,
} from "./errors.js";
import type { Json } from "./json.js";
import { type CallContext, METHODS } from "./methods.js";
import { PagingError } from "./paging.js";
import { decodeJsonParams, type Params } from "./params.js";

export type JsonRpcId = string | number | null;

export interface JsonRpcResponse {
  jsonrpc: "2.0";
  id: JsonRpcId;
  result?: Json;
  error?: { code: number; message: string; data: string };
}

export interface DispatchOptions {
  /** Reports unexpected handler failures (they reach the client as -32603). */
  onInternalError?: (method: string, err: unknown) => void;
}

export const MAX_BATCH = 100;

export function errorResponse(id: JsonRpcId, err: RpcError): JsonRpcResponse {
  return { jsonrpc: "2.0", id, error: err.toJson() };
}

/** Maps any thrown value to an RpcError; backend errors become -32603 with their message. */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof PagingError) return new RpcError(INVALID_PARAMS, err.message);
  const msg = err instanceof Error ? err.message : String(err);
  return new RpcError(INTERNAL_ERROR, msg);
}

/** Runs a method with already-decoded params. */
export async function callMethod(method: string, params: Params, ctx: CallContext): Promise<Json> {
  const def = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!def) throw new RpcError(METHOD_NOT_FOUND, `unknown method ${JSON.stringify(method.slice(0, 100))}`);
  return def.handler(params, ctx);
}

/** One request object; undefined for a notification (no id), which gets no reply. */
export async function handleRequest(
  req: unknown,
  ctx: CallContext,
  opts: DispatchOptions = {},
): Promise<JsonRpcResponse | undefined> {
  if (typeof req !== "object" || req === null || Array.isArray(req)) {
    return errorResponse(null, new RpcError(INVALID_REQUEST, "request must be a JSON object"));
  }
  const r = req as Record<string, unknown>;
  const rawId = r["id"];
  const validId =
    typeof rawId === "string" || typeof rawId === "number" || rawId === null || rawId === undefined;
  const id: JsonRpcId = validId ? ((rawId as JsonRpcId | undefined) ?? null) : null;
  if (!validId)
    return errorResponse(null, new RpcError(INVALID_REQUEST, "id must be a string, a number or null"));
  if (r["jsonrpc"] !== "2.0")
    return errorResponse(id, new RpcError(INVALID_REQUEST, 'jsonrpc must be "2.0"'));
  if (typeof r["method"] !== "string")
    return errorResponse(id, new RpcError(INVALID_REQUEST, "method must be a string"));
  const method = r["method"];
  let response: JsonRpcResponse;
  try {
    const def = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    const params = def ? decodeJsonParams(def.params, r["params"]) : {};
    response = { jsonrpc: "2.0", id, result: await callMethod(method, params, ctx) };
  } catch (err) {
    const rpcErr = toRpcError(err);
    if (!(err instanceof RpcError) && !(err instanceof PagingError)) opts.onInternalError?.(method, err);
    response = errorResponse(id, rpcErr);
  }
  // CometBFT skips notifications (requests without an id).
  return rawId === undefined || rawId === null ? undefined : response;
}

/**
 * A whole POST body: one request or a batch. Returns the JSON to send (undefined: nothing) and the
 * HTTP status.
 */
export async function handleBody(
  body: string,
  ctx: CallContext,
  opts: DispatchOptions = {},
): Promise<{ status: number; payload: JsonRpcResponse | JsonRpcResponse[] | undefined }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return {
      status: 400,
      payload: errorResponse(null, new RpcError(PARSE_ERROR, `error unmarshaling request: ${msg}`)),
    };
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0) {
      return { status: 400, payload: errorResponse(null, new RpcError(INVALID_REQUEST, "empty batch")) };
    }
    if (parsed.length > MAX_BATCH) {
      const err = new RpcError(INVALID_REQUEST, `batch of ${parsed.length} requests exceeds ${MAX_BATCH}`);
      return { status: 400, payload: errorResponse(null, err) };
    }
    const responses = await Promise.all(parsed.map((req) => handleRequest(req, ctx, opts)));
    const out = responses.filter((x): x is JsonRpcResponse => x !== undefined);
    return { status: 200, payload: out.length > 0 ? out : undefined };
  }
  return { status: 200, payload: await handleRequest(parsed, ctx, opts) };
}
