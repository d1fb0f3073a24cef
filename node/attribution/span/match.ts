// Longest matches through a shard's suffix array (Infini-gram's ∞-gram, OLMoTrace step 1).
// For each output position i, the longest q[i..i+m) occurring in a live document of the shard,
// and its suffix-array range. A suffix of a match is a match, so m(i+1) >= m(i) - 1: position
// i+1 starts from a binary search for the known prefix of length m(i) - 1, then extends one token
// at a time by narrowing the range. Cost: O(log N) probes per position plus O(log N) per extension
// (at most 2L extensions over an output of L tokens), i.e. O(L log N) token reads.
import { SpanError } from "./errors.js";
import { docOf, type LiveShard } from "./live-index.js";

export interface ShardMatches {
  /** len[i]: the longest live match at output position i in this shard (0: none). */
  len: Int32Array;
  /** Its suffix-array range sa[lo[i] .. hi[i]) (occurrences in dead documents included). */
  lo: Int32Array;
  hi: Int32Array;
}

/** Whether sa[lo..hi) holds an occurrence in a live document. */
export function isLive(ls: LiveShard, lo: number, hi: number): boolean {
  if (hi - lo > ls.deadPositions) return true;
  const { sa } = ls.shard;
  for (let j = lo; j < hi; j++) if (ls.dead[docOf(ls.shard, sa[j]!)] === 0) return true;
  return false;
}

/** Contribution ids of the live occurrences in sa[lo..hi), appended to `out`. */
export function liveOccurrences(ls: LiveShard, lo: number, hi: number, out: bigint[]): void {
  const { sa, docIds } = ls.shard;
  for (let j = lo; j < hi; j++) {
    const d = docOf(ls.shard, sa[j]!);
    if (ls.dead[d] === 0) out.push(docIds[d]!);
  }
}

// In sa[lo..hi), whose suffixes share their first k tokens: the first j with T[sa[j] + k] >= tok
// (strict: > tok). Positions never run off the array: every document ends with a separator.
function boundAt(
  T: Uint32Array,
  SA: Uint32Array,
  lo: number,
  hi: number,
  k: number,
  tok: number,
  strict: boolean,
) {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = T[SA[mid]! + k]!;
    if (v < tok || (strict && v === tok)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// In sa[lo..hi), all starting with q[i]: the first j whose first p tokens are >= q[i..i+p)
// (strict: >), comparing tokens 1..p-1.
function boundPrefix(
  T: Uint32Array,
  SA: Uint32Array,
  lo: number,
  hi: number,
  q: Uint32Array,
  i: number,
  p: number,
  strict: boolean,
): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = SA[mid]!;
    let c = 0;
    for (let k = 1; k < p; k++) {
      const a = T[s + k]!;
      const b = q[i + k]!;
      if (a !== b) {
        c = a < b ? -1 : 1;
        break;
      }
    }
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The suffix-array range of q[i..i+p) in the shard (dead occurrences included). */
export function prefixRange(ls: LiveShard, q: Uint32Array, i: number, p: number): [number, number] {
  const { tokens: T, sa: SA, tokenStart } = ls.shard;
  const t = q[i]!;
  const a = tokenStart[t]!;
  const b = tokenStart[t + 1]!;
  const lo = boundPrefix(T, SA, a, b, q, i, p, false);
  return [lo, boundPrefix(T, SA, lo, b, q, i, p, true)];
}

export function longestMatches(ls: LiveShard, q: Uint32Array): ShardMatches {
  const L = q.length;
  const { tokens: T, sa: SA, tokenStart } = ls.shard;
  const len = new Int32Array(L);
  const lo = new Int32Array(L);
  const hi = new Int32Array(L);
  let prev = 0;
  for (let i = 0; i < L; i++) {
    const t = q[i]!;
    let a = tokenStart[t]!;
    let b = tokenStart[t + 1]!;
    let m = 0;
    if (prev > 2) {
      // q[i..i+prev-1) occurs live here (a suffix of the previous match): find its range.
      m = prev - 1;
      const a2 = boundPrefix(T, SA, a, b, q, i, m, false);
      b = boundPrefix(T, SA, a2, b, q, i, m, true);
      a = a2;
      if (b <= a)
        throw new SpanError("corrupt-index", `span shard ${ls.shard.dir}: suffix array out of order`);
    } else if (b > a && isLive(ls, a, b)) {
      m = 1;
    }
    if (m > 0) {
      while (i + m < L) {
        const tok = q[i + m]!;
        if (b - a === 1) {
          // One occurrence left (live, or the range would have been cut): compare directly.
          const s = SA[a]!;
          while (i + m < L && T[s + m] === q[i + m]) m++;
          break;
        }
        const a2 = boundAt(T, SA, a, b, m, tok, false);
        const b2 = boundAt(T, SA, a2, b, m, tok, true);
        if (b2 <= a2 || !isLive(ls, a2, b2)) break;
        a = a2;
        b = b2;
        m++;
      }
    }
    len[i] = m;
    lo[i] = a;
    hi[i] = b;
    prev = m;
  }
  return { len, lo, hi };
}
