// Shared pieces of the method table: the call context, method definitions, param accessors.
import type { RpcBackend } from "./backend.js";
import { internalError, invalidParams } from "./errors.js";
import type { EventHub } from "./events.js";
import type { Json } from "./json.js";
import type { ParamSpec, Params } from "./params.js";
import { parseQuery, type Query, QuerySyntaxError } from "./query.js";

export interface CallContext {
  backend: RpcBackend;
  hub: EventHub;
  rpcAddress: string;
  broadcastTxCommitTimeoutMs: number;
  /** Set for calls that arrive over the websocket. */
  ws?: WsCalls;
}

/** subscribe/unsubscribe/unsubscribe_all, implemented by the websocket session. */
export interface WsCalls {
  subscribe(query: string): Json;
  unsubscribe(query: string): Json;
  unsubscribeAll(): Json;
}

export interface MethodDef {
  params: readonly ParamSpec[];
  handler: (p: Params, ctx: CallContext) => Promise<Json> | Json;
}

export const str = (p: Params, k: string) => p[k] as string | undefined;
export const num = (p: Params, k: string) => p[k] as number | undefined;
export const big = (p: Params, k: string) => p[k] as bigint | undefined;
export function bytes(p: Params, k: string): Uint8Array {
  const v = p[k];
  if (!(v instanceof Uint8Array)) throw invalidParams(`${k}: required`);
  return v;
}

/** CometBFT's getHeight: default latest, else within [earliest, latest]. */
export function resolveHeight(backend: RpcBackend, h: bigint | undefined): bigint {
  const { earliest, latest } = backend.heights();
  if (h === undefined) return latest;
  if (h > latest) {
    throw internalError(`height ${h} must be less than or equal to the current blockchain height ${latest}`);
  }
  if (h < earliest) throw internalError(`height ${h} is not available, lowest height is ${earliest}`);
  return h;
}

/** Parses a query param; syntax errors are -32602. */
export function queryParam(text: string | undefined): Query {
  if (text === undefined) throw invalidParams("query: required");
  try {
    return parseQuery(text);
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw invalidParams(`failed to parse query: ${err.message}`);
    throw err;
  }
}

export const HEIGHT: ParamSpec = ["height", "height"];
