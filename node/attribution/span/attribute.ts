// attributeOutput: which contributions an output copies from, and their basis points.
//   1. tokenize; longest live match at every position, over every shard (match.ts);
//   2. maximal spans at word boundaries (boundary.ts): not inside another;
//   3. keep those of >= minSpanTokens tokens, 1..maxSpanCount live occurrences, and a distinctive
//      part of >= minSpanTokens tokens (spans.ts), with the contribution of each occurrence;
//   4. rank, cap by density and weigh (select.ts).

import { maximalSpans } from "./boundary.js";
import { SpanError } from "./errors.js";
import type { LiveShard, SpanIndex } from "./live-index.js";
import { isLive, liveOccurrences, longestMatches, prefixRange, type ShardMatches } from "./match.js";
import { checkParams, PARAM_LIMITS, type SpanParams } from "./params.js";
import { type Candidate, type SpanResult, selectSpans } from "./select.js";
import { candidates, type Oracle } from "./spans.js";
import { isTokenId, tokenize } from "./tokenizer.js";

export function checkTokens(tokens: Uint32Array, params: SpanParams): void {
  if (!(tokens instanceof Uint32Array))
    throw new SpanError("invalid-input", "output tokens must be a Uint32Array");
  if (tokens.length === 0) throw new SpanError("empty-output", "the output has no tokens");
  if (tokens.length > params.maxOutputTokens) {
    throw new SpanError(
      "output-too-long",
      `the output has ${tokens.length} tokens, over ${params.maxOutputTokens}`,
    );
  }
  for (let i = 0; i < tokens.length; i++) {
    if (!isTokenId(tokens[i]!))
      throw new SpanError("invalid-input", `output token ${tokens[i]} is not a token id`);
  }
}

export function checkIndex(index: SpanIndex): void {
  if (!index || !Array.isArray(index.shards) || !(index.unigram instanceof Float64Array)) {
    throw new SpanError("invalid-input", "not an open span index");
  }
}

/** Longest live match at each position over all shards, and each shard's own. */
export function longestOverShards(index: SpanIndex, q: Uint32Array): { m: Int32Array; per: ShardMatches[] } {
  const per = index.shards.map((ls) => longestMatches(ls, q));
  const m = new Int32Array(q.length);
  for (const r of per) for (let i = 0; i < q.length; i++) if (r.len[i]! > m[i]!) m[i] = r.len[i]!;
  return { m, per };
}

export function candidatesOf(index: SpanIndex, q: Uint32Array, params: SpanParams): Candidate[] {
  const { m, per } = longestOverShards(index, q);
  const cap = params.maxSpanCount;
  // The suffix-array range of q[j .. j + len) in each shard holding it live (a shard's own
  // longest match at j reaches len), and a lower bound of its live occurrences.
  const ranges = (j: number, len: number) => {
    const out: [LiveShard, number, number][] = [];
    let atLeast = 0;
    for (let s = 0; s < per.length; s++) {
      const r = per[s]!;
      if (r.len[j]! < len) continue;
      const ls = index.shards[s]!;
      const [lo, hi] = r.len[j] === len ? [r.lo[j]!, r.hi[j]!] : prefixRange(ls, q, j, len);
      out.push([ls, lo, hi]);
      atLeast += Math.max(0, hi - lo - ls.deadPositions);
    }
    return { out, atLeast };
  };
  const occurrences = (j: number, len: number): bigint[] | null => {
    const { out, atLeast } = ranges(j, len);
    if (atLeast > cap) return null;
    const occ: bigint[] = [];
    for (const [ls, lo, hi] of out) liveOccurrences(ls, lo, hi, occ);
    return occ.length > cap ? null : occ;
  };
  const oracle: Oracle = { occurrences, tooCommon: (j, len) => occurrences(j, len) === null };
  return candidates(maximalSpans(q, m, params.minSpanTokens), params, oracle);
}

/** Attribution of an already tokenized output (cl100k_base ids). */
export function attributeTokens(
  index: SpanIndex,
  tokens: Uint32Array,
  params?: Partial<SpanParams>,
): SpanResult {
  const p = checkParams(params);
  checkIndex(index);
  checkTokens(tokens, p);
  return selectSpans(index, tokens, candidatesOf(index, tokens, p), p);
}

export function attributeOutput(
  index: SpanIndex,
  outputText: string,
  params?: Partial<SpanParams>,
): SpanResult {
  const p = checkParams(params);
  if (typeof outputText !== "string") throw new SpanError("invalid-input", "the output must be a string");
  if (outputText.length === 0) throw new SpanError("empty-output", "the output is empty");
  if (outputText.length > p.maxOutputTokens * PARAM_LIMITS.charsPerToken) {
    throw new SpanError(
      "output-too-long",
      `the output has ${outputText.length} characters, too many to tokenize`,
    );
  }
  return attributeTokens(index, tokenize(outputText), p);
}

/** Live occurrences of a token sequence in the index (Infini-gram's count query). */
export function countOccurrences(index: SpanIndex, pattern: Uint32Array): number {
  checkIndex(index);
  if (!(pattern instanceof Uint32Array) || pattern.length === 0) {
    throw new SpanError("invalid-input", "the pattern must be a non-empty Uint32Array");
  }
  for (const t of pattern)
    if (!isTokenId(t)) throw new SpanError("invalid-input", `token ${t} is not a token id`);
  let total = 0;
  for (const ls of index.shards) {
    const [lo, hi] = prefixRange(ls, pattern, 0, pattern.length);
    if (ls.deadPositions === 0) total += hi - lo;
    else if (isLive(ls, lo, hi)) {
      const occ: bigint[] = [];
      liveOccurrences(ls, lo, hi, occ);
      total += occ.length;
    }
  }
  return total;
}
