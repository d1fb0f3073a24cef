// Word boundaries (OLMoTrace step 1 looks for spans at word boundaries only). A span may start at
// output position i when i = 0, token i begins with whitespace, or token i − 1 ends with
// whitespace: it never starts inside a word nor on punctuation glued to the word before. It may
// end before position e when e = L, token e does not begin with a letter or digit, or token e − 1
// does not end with one: it never ends inside a word. Token classes come from the decoded token
// text (byte fragments of a multi-byte character decode to no letter and count as boundaries).
import { detokenize, TOKEN_BOUND } from "./tokenizer.js";

const KNOWN = 1;
const LEADS_SPACE = 2;
const TRAILS_SPACE = 4;
const LEADS_WORD = 8;
const TRAILS_WORD = 16;
const SPACE = /\s/u;
const WORD = /[\p{L}\p{N}]/u;
let classes: Uint8Array | undefined;

// The class of every token id, decoded once per process (about 50 ms) on first use.
function classTable(): Uint8Array {
  if (classes) return classes;
  const table = new Uint8Array(TOKEN_BOUND);
  for (let t = 0; t < TOKEN_BOUND; t++) {
    let text = "";
    try {
      text = detokenize([t]);
    } catch {
      // An id the encoding does not define (gaps among the special tokens): no class.
    }
    const first = text.charAt(0);
    const last = text.charAt(text.length - 1);
    let c = KNOWN;
    if (SPACE.test(first)) c |= LEADS_SPACE;
    if (SPACE.test(last)) c |= TRAILS_SPACE;
    if (WORD.test(first)) c |= LEADS_WORD;
    if (WORD.test(last)) c |= TRAILS_WORD;
    table[t] = c;
  }
  classes = table;
  return table;
}

/** starts[i] = 1 when a span may start at i; ends[e] = 1 when one may end before e (e in 0..L). */
export function boundaries(q: Uint32Array): { starts: Uint8Array; ends: Uint8Array } {
  const L = q.length;
  const starts = new Uint8Array(L);
  const ends = new Uint8Array(L + 1);
  ends[L] = 1;
  const table = classTable();
  for (let i = 0; i < L; i++) {
    const c = table[q[i]!]!;
    const before = i > 0 ? table[q[i - 1]!]! : TRAILS_SPACE;
    if (i === 0 || c & LEADS_SPACE || before & TRAILS_SPACE) starts[i] = 1;
    if (i > 0 && (!(c & LEADS_WORD) || !(before & TRAILS_WORD))) ends[i] = 1;
  }
  return { starts, ends };
}

export interface MaximalSpans {
  spans: { start: number; len: number }[];
  starts: Uint8Array;
  ends: Uint8Array;
}

/**
 * The maximal spans of an output given m[i], the longest match at each position: for every
 * allowed start i, [i, e) with e the last allowed end within i + m[i]; kept when not inside an
 * earlier one (e greater than every earlier end) and at least minTokens long. Ascending starts.
 */
export function maximalSpans(q: Uint32Array, m: Int32Array, minTokens: number): MaximalSpans {
  const { starts, ends } = boundaries(q);
  const spans: { start: number; len: number }[] = [];
  let reach = 0;
  for (let i = 0; i < q.length; i++) {
    if (starts[i] === 0 || m[i]! === 0) continue;
    let e = i + m[i]!;
    while (e > i && ends[e] === 0) e--;
    if (e <= reach) continue;
    reach = e;
    if (e - i >= minTokens) spans.push({ start: i, len: e - i });
  }
  return { spans, starts, ends };
}
