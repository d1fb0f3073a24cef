// A queryable index: the shards of a datanet version with the documents of excluded (removed)
// contributions marked dead. Dead documents stay in the files; queries skip their occurrences.
import { SpanError } from "./errors.js";
import type { Shard } from "./shard-open.js";
import { TOKEN_BOUND } from "./tokenizer.js";

export interface LiveShard {
  shard: Shard;
  /** dead[k] = 1 when document k belongs to an excluded contribution. */
  dead: Uint8Array;
  /** Token positions inside dead documents: a suffix-array range larger than this holds a live one. */
  deadPositions: number;
}

export interface SpanIndex {
  version: string;
  shards: readonly LiveShard[];
  /** Excluded contribution ids, ascending. */
  excluded: readonly bigint[];
  /** Live occurrences of each token id, summed over shards (integers; exact below 2^53). */
  unigram: Float64Array;
  /** Live tokens in the index (separators not counted). */
  liveTokens: number;
}

export function docLength(shard: Shard, k: number): number {
  const end = k + 1 < shard.docStarts.length ? shard.docStarts[k + 1]! : shard.tokens.length;
  return end - shard.docStarts[k]! - 1;
}

/** The document holding token position `pos` (the last one starting at or before it). */
export function docOf(shard: Shard, pos: number): number {
  const starts = shard.docStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function liveIndex(
  version: string,
  shards: readonly Shard[],
  excluded: Iterable<bigint> = [],
): SpanIndex {
  const out = [...new Set(excluded)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const gone = new Set(out);
  const names = new Set<string>();
  const unigram = new Float64Array(TOKEN_BOUND);
  let liveTokens = 0;
  const live = shards.map((shard): LiveShard => {
    if (names.has(shard.dir)) throw new SpanError("invalid-input", `shard ${shard.dir} listed twice`);
    names.add(shard.dir);
    const start = shard.tokenStart;
    for (let t = 0; t < TOKEN_BOUND; t++) unigram[t]! += start[t + 1]! - start[t]!;
    liveTokens += shard.tokens.length - shard.docIds.length;
    const dead = new Uint8Array(shard.docIds.length);
    let deadPositions = 0;
    if (gone.size > 0) {
      for (let k = 0; k < dead.length; k++) {
        if (!gone.has(shard.docIds[k]!)) continue;
        dead[k] = 1;
        const from = shard.docStarts[k]!;
        const len = docLength(shard, k);
        deadPositions += len;
        for (let i = from; i < from + len; i++) unigram[shard.tokens[i]!]!--;
      }
    }
    liveTokens -= deadPositions;
    return { shard, dead, deadPositions };
  });
  return { version, shards: live, excluded: out, unigram, liveTokens };
}
