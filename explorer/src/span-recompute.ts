// Span attribution recomputed in the browser (a chunk loaded only by the inference view): the
// validators' algorithm (node/attribution/span, its reference scan naiveAttributeTokens, which
// gives the suffix-array path's results) over an in-memory index of the job's live contributions,
// tokenized with the same cl100k_base tokenizer. The chain stores only each contribution's basis
// points; the spans themselves are this recomputation, checked against those basis points.
import type { SpanIndex } from "../../node/attribution/span/live-index.js";
import { naiveAttributeTokens } from "../../node/attribution/span/naive.js";
import { placeSpan } from "../../node/attribution/span/place.js";
import type { Shard } from "../../node/attribution/span/shard-open.js";
import { SEPARATOR, TOKEN_BOUND, tokenize } from "../../node/attribution/span/tokenizer.js";

export interface SpanDocument {
  contributionId: bigint;
  text: string;
}

export interface PlacedSpan {
  n: number;
  text: string;
  /** Character offsets in the output, [start, end); null when it could not be placed. */
  start: number | null;
  end: number | null;
  /** Live occurrences in the datanet versions. */
  count: number;
  contributions: bigint[];
}

export interface SpanRecomputation {
  spans: PlacedSpan[];
  weights: { contributionId: bigint; bps: number }[];
}

/** One shard held in memory, laid out as shard-build.ts writes it (a separator after each document). */
function memoryIndex(docs: readonly SpanDocument[]): SpanIndex {
  const parts = docs.map((d) => tokenize(d.text));
  const total = parts.reduce((s, t) => s + t.length + 1, 0);
  const tokens = new Uint32Array(total);
  const docStarts = new Uint32Array(docs.length);
  const docIds = new BigUint64Array(docs.length);
  const unigram = new Float64Array(TOKEN_BOUND);
  let at = 0;
  parts.forEach((t, k) => {
    docStarts[k] = at;
    docIds[k] = docs[k]!.contributionId;
    tokens.set(t, at);
    for (const token of t) unigram[token]!++;
    at += t.length;
    tokens[at++] = SEPARATOR;
  });
  // The reference scan reads only tokens, docStarts and docIds; there is no suffix array.
  const shard = { name: "browser", dir: "browser", tokens, docStarts, docIds } as unknown as Shard;
  return {
    version: "browser",
    shards: [{ shard, dead: new Uint8Array(docs.length), deadPositions: 0 }],
    excluded: [],
    unigram,
    liveTokens: total - docs.length,
  };
}

/** The spans of `output` found in `docs` (ascending contribution id), with character offsets. */
export function recomputeSpans(docs: readonly SpanDocument[], output: string): SpanRecomputation {
  const tokens = tokenize(output);
  const result = naiveAttributeTokens(memoryIndex(docs), tokens);
  const spans = result.spans.map(
    (s, i): PlacedSpan => ({
      n: i + 1,
      text: s.text.trim(),
      ...placeSpan(output, tokens, s),
      count: s.count,
      contributions: s.contributions,
    }),
  );
  return { spans, weights: result.weights };
}
