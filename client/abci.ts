// Plumbing of the query extensions: one protobuf request through QueryClient's abci_query.
import { createProtobufRpcClient, type QueryClient } from "@cosmjs/stargate";
import type { U64Like } from "./checks.js";

/** One page: start at `key` (a previous answer's pagination.nextKey), at most `limit` (≤ 1000). */
export interface PageInput {
  key?: Uint8Array;
  limit?: U64Like;
}

/** A function sending one request to `/<service>/<method>` and decoding the answer. */
export function unary<Req, Res>(
  base: QueryClient,
  service: string,
  method: string,
  req: { encode(m: Req): { finish(): Uint8Array } },
  res: { decode(b: Uint8Array): Res },
): (request: Req) => Promise<Res> {
  const rpc = createProtobufRpcClient(base);
  return async (request) => res.decode(await rpc.request(service, method, req.encode(request).finish()));
}

export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the node answered no ${what}`);
  return value;
}
