// OLMoTrace step 2 and the weights, shared by the suffix-array path and the naive scan: from the
// candidate spans (maximal, long enough, rare enough), keep the ceil(density × L) with the lowest
// unigram probability, then weigh contributions. Integer arithmetic only (safe integers and
// bigint; integer values in a Float64Array stay exact below 2^53), fixed tie-breaks.
import type { SpanParams } from "./params.js";
import { spanBudget } from "./params.js";
import { detokenize } from "./tokenizer.js";

/** A maximal span of the output [start, start + len) with one contribution id per live occurrence. */
export interface Candidate {
  start: number;
  len: number;
  occ: bigint[];
}

export interface Span {
  /** Token offsets in the output: [start, end). */
  start: number;
  end: number;
  text: string;
  /** Live occurrences in the datanet. */
  count: number;
  /** Contributions holding it, ascending, each once. */
  contributions: bigint[];
}

export interface Weight {
  contributionId: bigint;
  bps: number;
}

export interface SpanResult {
  version: string;
  params: SpanParams;
  tokens: Uint32Array;
  spans: Span[];
  weights: Weight[];
}

const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

const LOG_FRAC_BITS = 16;
const M_BITS = 25;

/**
 * log2(x) in fixed point with 16 fraction bits for an integer 1 <= x < 2^53, by repeated squaring
 * of a 26-bit mantissa. Every intermediate is an integer below 2^52 and every division is by a
 * power of two, so each step is exact: the same value on every machine (no libm, no rounding).
 * Accurate to about 2^-9 in log2 units; it only ranks spans.
 */
export function log2Fixed(x: number): number {
  let k = 0;
  for (let p = 2; p <= x; p *= 2) k++;
  let m = k >= M_BITS ? Math.floor(x / 2 ** (k - M_BITS)) : x * 2 ** (M_BITS - k);
  let frac = 0;
  for (let b = 0; b < LOG_FRAC_BITS; b++) {
    m = Math.floor((m * m) / 2 ** M_BITS);
    frac *= 2;
    if (m >= 2 ** (M_BITS + 1)) {
      frac += 1;
      m = Math.floor(m / 2);
    }
  }
  return k * 2 ** LOG_FRAC_BITS + frac;
}

/**
 * Keeps at most `budget` candidates: those of lowest span unigram probability
 * P = Π_t u(t) / N^len (u: live token counts, N: live tokens), ranked by the integer
 * Σ_t log2Fixed(u(t)) − len · log2Fixed(N) (prefix sums over the output: O(L) for all spans);
 * ties by start. Returned in output order.
 */
export function rankSpans(
  cands: Candidate[],
  tokens: Uint32Array,
  unigram: Float64Array,
  liveTokens: number,
  budget: number,
) {
  if (cands.length <= budget) return [...cands].sort((a, b) => a.start - b.start);
  const logs = new Map<number, number>();
  const prefix = new Float64Array(tokens.length + 1);
  for (let i = 0; i < tokens.length; i++) {
    const u = unigram[tokens[i]!]!;
    let l = logs.get(u);
    if (l === undefined) {
      l = u >= 1 ? log2Fixed(u) : 0;
      logs.set(u, l);
    }
    prefix[i + 1] = prefix[i]! + l;
  }
  const logN = log2Fixed(Math.max(1, liveTokens));
  const score = (c: Candidate) => prefix[c.start + c.len]! - prefix[c.start]! - c.len * logN;
  return cands
    .map((c) => ({ c, key: score(c) }))
    .sort((x, y) => x.key - y.key || x.c.start - y.c.start)
    .slice(0, budget)
    .map((k) => k.c)
    .sort((a, b) => a.start - b.start);
}

/**
 * Weight of contribution k: Σ over kept spans s of len(s) × rarity(s) × occ(s, k) / count(s), with
 * rarity = 1 / count: a span is worth its length over its count, shared among its occurrences.
 * Made integer by the common denominator D = lcm of count(s)².
 */
export function contributionWeights(spans: readonly Candidate[]): Map<bigint, bigint> {
  let d = 1n;
  for (const s of spans) {
    const c2 = BigInt(s.occ.length) ** 2n;
    d = (d / gcd(d, c2)) * c2;
  }
  const w = new Map<bigint, bigint>();
  for (const s of spans) {
    const unit = (BigInt(s.len) * d) / BigInt(s.occ.length) ** 2n;
    for (const id of s.occ) w.set(id, (w.get(id) ?? 0n) + unit);
  }
  return w;
}

/** Basis points summing to exactly 10000 (largest remainder; ties to the lower id); zeros dropped. */
export function toBps(weights: ReadonlyMap<bigint, bigint>): Weight[] {
  const ids = [...weights.keys()].sort(cmpBig);
  let total = 0n;
  for (const id of ids) total += weights.get(id)!;
  if (total <= 0n) return [];
  const rows = ids.map((id) => {
    const scaled = weights.get(id)! * 10000n;
    return { id, bps: scaled / total, rem: scaled % total };
  });
  let left = 10000n - rows.reduce((s, r) => s + r.bps, 0n);
  const byRem = [...rows].sort((x, y) => cmpBig(y.rem, x.rem) || cmpBig(x.id, y.id));
  for (const r of byRem) {
    if (left === 0n) break;
    r.bps += 1n;
    left -= 1n;
  }
  return rows.filter((r) => r.bps > 0n).map((r) => ({ contributionId: r.id, bps: Number(r.bps) }));
}

export interface Stats {
  version: string;
  unigram: Float64Array;
  liveTokens: number;
}

export function selectSpans(
  stats: Stats,
  tokens: Uint32Array,
  cands: Candidate[],
  params: SpanParams,
): SpanResult {
  const kept = rankSpans(cands, tokens, stats.unigram, stats.liveTokens, spanBudget(params, tokens.length));
  const spans = kept.map((c) => ({
    start: c.start,
    end: c.start + c.len,
    text: detokenize(tokens.subarray(c.start, c.start + c.len)),
    count: c.occ.length,
    contributions: [...new Set(c.occ)].sort(cmpBig),
  }));
  return { version: stats.version, params, tokens, spans, weights: toBps(contributionWeights(kept)) };
}
