// From maximal spans to candidates, the same for the suffix-array path and the naive scan (each
// answers count queries through an Oracle). A maximal span [i, e) is a candidate when it has
// between 1 and maxSpanCount live occurrences and is distinctive: at least minSpanTokens tokens
// lie before its longest too-common suffix and after its longest too-common prefix (both cut at
// word boundaries). A common passage (boilerplate, a famous quote) glued to a few chance words
// before or after it is rare as a whole but credits nobody: the chance words are no evidence.
import type { MaximalSpans } from "./boundary.js";
import type { SpanParams } from "./params.js";
import type { Candidate } from "./select.js";

export interface Oracle {
  /** Contribution id of each live occurrence of q[j .. j + len); null when more than maxSpanCount. */
  occurrences(j: number, len: number): bigint[] | null;
  /** Whether q[j .. j + len) has more than maxSpanCount live occurrences. */
  tooCommon(j: number, len: number): boolean;
}

/** Inner word starts (i, e) and inner word ends (i, e) of a span. */
function inner(ms: MaximalSpans, i: number, e: number): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let k = i + 1; k < e; k++) {
    if (ms.starts[k] === 1) starts.push(k);
    if (ms.ends[k] === 1) ends.push(k);
  }
  return { starts, ends };
}

/** Every (j, len) count query candidates() may ask about span [i, e), for oracles that batch. */
export function spanQueries(ms: MaximalSpans): { j: number; len: number }[] {
  const out: { j: number; len: number }[] = [];
  for (const { start: i, len } of ms.spans) {
    const e = i + len;
    out.push({ j: i, len });
    const { starts, ends } = inner(ms, i, e);
    for (const j of starts) out.push({ j, len: e - j });
    for (const k of ends) out.push({ j: i, len: k - i });
  }
  return out;
}

/** Tokens before the first too-common suffix, and after the last too-common prefix; the smaller. */
function distinctive(ms: MaximalSpans, i: number, e: number, oracle: Oracle): number {
  const { starts, ends } = inner(ms, i, e);
  // Suffix counts grow as j moves right: binary search the first too-common one.
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (oracle.tooCommon(starts[mid]!, e - starts[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  const left = lo < starts.length ? starts[lo]! - i : e - i;
  // Prefix counts grow as k moves left: binary search the last too-common one.
  lo = 0;
  hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (oracle.tooCommon(i, ends[mid]! - i)) lo = mid + 1;
    else hi = mid;
  }
  const right = lo > 0 ? e - ends[lo - 1]! : e - i;
  return Math.min(left, right);
}

export function candidates(ms: MaximalSpans, params: SpanParams, oracle: Oracle): Candidate[] {
  const out: Candidate[] = [];
  for (const { start, len } of ms.spans) {
    const occ = oracle.occurrences(start, len);
    if (occ === null || occ.length === 0) continue;
    if (distinctive(ms, start, start + len, oracle) < params.minSpanTokens) continue;
    out.push({ start, len, occ });
  }
  return out;
}
