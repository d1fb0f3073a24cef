// The reference without an index: linear scans of every live document. Pass 1 finds the longest
// match at each output position (extending a match at each datanet position whose token occurs
// in the output); pass 2 counts the spans' queries. O(N + matches) per pass. It gives the same
// results as the suffix-array path; tests and the bench use it as the baseline.
import { checkIndex, checkTokens } from "./attribute.js";
import { maximalSpans } from "./boundary.js";
import type { SpanIndex } from "./live-index.js";
import { checkParams, type SpanParams } from "./params.js";
import { type Candidate, type SpanResult, selectSpans } from "./select.js";
import { candidates, type Oracle, spanQueries } from "./spans.js";
import { TOKEN_BOUND } from "./tokenizer.js";

type Visit = (id: bigint, T: Uint32Array, p: number, j: number) => void;

// Calls visit for every live datanet position p and output position j with T[p] = q[j] (only the
// positions j with wanted[j] = 1).
function scan(index: SpanIndex, q: Uint32Array, wanted: Uint8Array | null, visit: Visit): void {
  const head = new Int32Array(TOKEN_BOUND).fill(-1);
  const next = new Int32Array(q.length).fill(-1);
  for (let j = q.length - 1; j >= 0; j--) {
    if (wanted && wanted[j] === 0) continue;
    next[j] = head[q[j]!]!;
    head[q[j]!] = j;
  }
  for (const ls of index.shards) {
    const { tokens: T, docStarts, docIds } = ls.shard;
    for (let d = 0; d < docStarts.length; d++) {
      if (ls.dead[d] === 1) continue;
      const id = docIds[d]!;
      const end = d + 1 < docStarts.length ? docStarts[d + 1]! - 1 : T.length - 1;
      for (let p = docStarts[d]!; p < end; p++) {
        for (let j = head[T[p]!]!; j !== -1; j = next[j]!) visit(id, T, p, j);
      }
    }
  }
}

/** Longest live match length at every output position, and how many live occurrences it has. */
export function naiveMatches(index: SpanIndex, q: Uint32Array): { m: Int32Array; count: Int32Array } {
  const m = new Int32Array(q.length);
  const count = new Int32Array(q.length);
  scan(index, q, null, (_id, T, p, j) => {
    let l = 1;
    while (j + l < q.length && T[p + l] === q[j + l]) l++;
    if (l > m[j]!) {
      m[j] = l;
      count[j] = 1;
    } else if (l === m[j]) {
      count[j]!++;
    }
  });
  return { m, count };
}

/** Live occurrence count and (up to cap + 1) contribution ids of each q[j .. j + len) asked. */
function naiveCounts(index: SpanIndex, q: Uint32Array, asks: { j: number; len: number }[], cap: number) {
  const byStart = new Map<number, { len: number; count: number; ids: bigint[] }[]>();
  for (const { j, len } of asks) {
    const list = byStart.get(j) ?? [];
    if (!list.some((a) => a.len === len)) list.push({ len, count: 0, ids: [] });
    byStart.set(j, list);
  }
  const wanted = new Uint8Array(q.length);
  const longest = new Int32Array(q.length);
  for (const [j, list] of byStart) {
    wanted[j] = 1;
    longest[j] = Math.max(...list.map((a) => a.len));
  }
  scan(index, q, wanted, (id, T, p, j) => {
    let l = 1;
    while (l < longest[j]! && T[p + l] === q[j + l]) l++;
    for (const a of byStart.get(j)!) {
      if (a.len <= l && ++a.count <= cap + 1) a.ids.push(id);
    }
  });
  return (j: number, len: number) => byStart.get(j)!.find((a) => a.len === len)!;
}

export function naiveCandidates(index: SpanIndex, q: Uint32Array, params: SpanParams): Candidate[] {
  const ms = maximalSpans(q, naiveMatches(index, q).m, params.minSpanTokens);
  const cap = params.maxSpanCount;
  const lookup = naiveCounts(index, q, spanQueries(ms), cap);
  const oracle: Oracle = {
    occurrences: (j, len) => {
      const a = lookup(j, len);
      return a.count > cap ? null : a.ids;
    },
    tooCommon: (j, len) => lookup(j, len).count > cap,
  };
  return candidates(ms, params, oracle);
}

export function naiveAttributeTokens(
  index: SpanIndex,
  tokens: Uint32Array,
  params?: Partial<SpanParams>,
): SpanResult {
  const p = checkParams(params);
  checkIndex(index);
  checkTokens(tokens, p);
  return selectSpans(index, tokens, naiveCandidates(index, tokens, p), p);
}
