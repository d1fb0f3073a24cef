// Key + limit pagination over a store prefix, as the SDK's query.Paginate with a key: next_key is
// the key suffix where the next page starts (empty on the last page). Offset, count_total and
// reverse are refused.
import type { PageRequest, PageResponse } from "cosmjs-types/cosmos/base/query/v1beta1/pagination";
import type { Context } from "../../node/app/context.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import { concatBytes } from "../../node/crypto/merkle.js";
import { prefixEnd } from "../../node/store/kv.js";
import { STORE } from "./keys.js";

export const DEFAULT_PAGE_LIMIT = 100n;
export const MAX_PAGE_LIMIT = 1000n;

/** The entries under `prefix` from the page's key on; `pick` maps one (key suffix, value) or skips it. */
export function paginate<T>(
  ctx: Context,
  prefix: Uint8Array,
  page: PageRequest | undefined,
  pick: (suffix: Uint8Array, value: Uint8Array) => T | undefined,
): { items: T[]; pagination: PageResponse } {
  if (page && (page.offset !== 0n || page.countTotal || page.reverse))
    throw sdkError(
      SdkCode.InvalidRequest,
      "pagination: only key and limit are served (no offset, count_total, reverse)",
    );
  if (page && page.limit > MAX_PAGE_LIMIT)
    throw sdkError(SdkCode.InvalidRequest, `pagination.limit ${page.limit} is over ${MAX_PAGE_LIMIT}`);
  const limit = Number(page && page.limit !== 0n ? page.limit : DEFAULT_PAGE_LIMIT);
  const start = concatBytes(prefix, page?.key ?? new Uint8Array(0));
  const items: T[] = [];
  let nextKey = new Uint8Array(0);
  for (const [k, v] of ctx.kvStore(STORE).iterator(start, prefixEnd(prefix))) {
    const suffix = k.subarray(prefix.length);
    const item = pick(suffix, v);
    if (item === undefined) continue;
    if (items.length === limit) {
      nextKey = Uint8Array.from(suffix);
      break;
    }
    items.push(item);
  }
  return { items, pagination: { nextKey, total: 0n } };
}
