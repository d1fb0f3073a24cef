// Height resolution and "/store/<name>/key" queries of abci_query, with the Cosmos SDK's rules
// (baseapp/abci.go handleQueryStore, CreateQueryContext; store/rootmulti Query):
//   - height 0 means the latest committed height; a newer height is refused (code 26);
//   - a height outside the kept window (pruning-keep-recent) is refused (code 38, not found);
//   - prove=true on "/store/…" needs an explicit height > 1 (code 18), as the SDK refuses proofs at
//     height ≤ 1; other paths apply that rule to the resolved height (0 → latest), as the SDK does;
//   - "/store/<name>/key" with data = the raw store key answers the value, and with prove the two
//     ICS23 ProofOps of node/store/store-proofs.ts; gRPC paths ignore prove (no proof of a
//     computed answer exists), as the SDK does.
import type { CommittedStore, StateVersion } from "../store/committed-store.js";
import { HistoryBusyError, UnavailableHeightError } from "../store/state-history.js";
import { proveStoreKey } from "../store/store-proofs.js";
import type { QueryRequest, QueryResponse } from "./application.js";
import { SdkCode, sdkError } from "./errors.js";

export const STORE_QUERY_PREFIX = "/store/";

/** The state a query reads, after the height and prove checks. */
export function queryVersion(committed: CommittedStore, req: QueryRequest): StateVersion {
  const latest = committed.lastCommit.height;
  const requested = req.height ?? 0n;
  if (requested < 0n) throw sdkError(SdkCode.InvalidRequest, `height must not be negative, got ${requested}`);
  // Store queries check the height asked for (handleQueryStore: 0 too is refused); other paths
  // the height they resolve to, the latest for 0 (CreateQueryContext).
  const proofHeight = requested === 0n && !req.path.startsWith(STORE_QUERY_PREFIX) ? latest : requested;
  if (req.prove && proofHeight <= 1n) {
    throw sdkError(
      SdkCode.InvalidRequest,
      "cannot query with proof when height <= 1; please provide a valid height",
    );
  }
  if (requested > latest) {
    throw sdkError(
      SdkCode.InvalidHeight,
      `cannot query with height in the future; please provide a valid height (latest height: ${latest})`,
    );
  }
  try {
    return committed.at(requested);
  } catch (err) {
    if (err instanceof HistoryBusyError) throw sdkError(SdkCode.InvalidRequest, err.message);
    if (err instanceof UnavailableHeightError) {
      throw sdkError(
        SdkCode.NotFound,
        `failed to load state at height ${requested}; version does not exist: ${err.message}`,
      );
    }
    throw err;
  }
}

/** Answers "/store/<name>/key" (value of the raw key in `data`), with proofOps when asked. */
export function queryStore(
  version: StateVersion,
  req: QueryRequest,
): Pick<QueryResponse, "key" | "value" | "proofOps"> {
  const rest = req.path.slice(STORE_QUERY_PREFIX.length);
  const slash = rest.indexOf("/");
  const name = slash < 0 ? rest : rest.slice(0, slash);
  const sub = slash < 0 ? "" : rest.slice(slash);
  if (!version.storeNames().includes(name)) throw sdkError(SdkCode.UnknownRequest, `no such store: ${name}`);
  if (sub !== "/key") {
    throw sdkError(
      SdkCode.UnknownRequest,
      `unexpected query path: ${sub || "(none)"} (only /store/<name>/key is served)`,
    );
  }
  if (req.data.length === 0) throw sdkError(SdkCode.TxDecode, "query cannot be zero length");
  if (!req.prove) {
    return { key: req.data, value: version.tree(name).get(req.data) ?? new Uint8Array(0) };
  }
  const { value, ops } = proveStoreKey(version, name, req.data);
  return { key: req.data, value: value ?? new Uint8Array(0), proofOps: { ops } };
}
