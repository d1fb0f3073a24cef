// CometBFT's RPC pagination rules (rpc/core/env.go validatePage/validatePerPage/validateSkipCount).

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;

export class PagingError extends Error {
  override name = "PagingError";
}

export interface Page {
  page: number;
  perPage: number;
  /** Items to skip. */
  skip: number;
}

/** Clamps per_page (unset or < 1 → 30, > 100 → 100) and checks page ∈ [1, pages]. */
export function paginate(totalCount: number, page?: number, perPage?: number): Page {
  let pp = perPage ?? DEFAULT_PER_PAGE;
  if (pp < 1) pp = DEFAULT_PER_PAGE;
  if (pp > MAX_PER_PAGE) pp = MAX_PER_PAGE;
  const pages = Math.max(1, Math.ceil(totalCount / pp));
  const p = page ?? 1;
  if (p < 1 || p > pages) {
    throw new PagingError(`page should be within [1, ${pages}] range, given ${p}`);
  }
  return { page: p, perPage: pp, skip: (p - 1) * pp };
}

export type OrderBy = "asc" | "desc";

export function parseOrderBy(s: string | undefined): OrderBy {
  if (s === undefined || s === "" || s === "asc") return "asc";
  if (s === "desc") return "desc";
  throw new PagingError("expected order_by to be either `asc` or `desc` or empty");
}
