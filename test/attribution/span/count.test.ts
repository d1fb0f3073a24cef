// Counts and longest matches through the suffix arrays against naive scans of the documents, on
// random datanets over a tiny alphabet (many repeats), split over shards, with exclusions.
import assert from "node:assert/strict";
import {
  attributeTokens,
  countOccurrences,
  longestOverShards,
} from "../../../node/attribution/span/attribute.js";
import type { SpanIndex } from "../../../node/attribution/span/live-index.js";
import { naiveAttributeTokens, naiveMatches } from "../../../node/attribution/span/naive.js";
import { prng } from "../../../node/attribution/span/planted.js";
import { resultHash } from "../../../node/attribution/span/result.js";
import type { SpanDoc } from "../../../node/attribution/span/shard-build.js";
import { tokenize } from "../../../node/attribution/span/tokenizer.js";
import { cleanRoots, indexOf, wordTokens } from "./helpers.js";

// Four words with a leading space, and one token that glues onto the word before it.
const ALPHABET = [...wordTokens(["a", "b", "c", "d"]), tokenize("x")[0]!];

function randomTokens(rnd: (n: number) => number, n: number, k = ALPHABET.length): Uint32Array {
  return Uint32Array.from({ length: n }, () => ALPHABET[rnd(k)]!);
}

/** Live occurrences of a pattern by scanning every live document. */
function scanCount(docs: SpanDoc[], excluded: Set<bigint>, p: Uint32Array): number {
  let n = 0;
  for (const d of docs) {
    if (excluded.has(d.contributionId)) continue;
    const t = d.tokens!;
    for (let i = 0; i + p.length <= t.length; i++) if (p.every((v, k) => t[i + k] === v)) n++;
  }
  return n;
}

function randomDatanet(seed: number) {
  const rnd = prng(seed);
  const docs: SpanDoc[] = Array.from({ length: 36 }, (_, k) => ({
    contributionId: BigInt(100 + (k % 24)),
    tokens: randomTokens(rnd, rnd(90), 3 + rnd(3)),
  }));
  const groups = [docs.slice(0, 12), docs.slice(12, 30), docs.slice(30)];
  const excluded = new Set([101n, 117n, 123n]);
  return { rnd, docs, index: indexOf(groups, [...excluded]), excluded };
}

describe("span index: counts and longest matches against naive scans", () => {
  after(cleanRoots);
  let data: ReturnType<typeof randomDatanet>;
  before(() => {
    data = randomDatanet(99);
  });

  it("counts 600 random patterns (lengths 1 to 8) as a scan does, exclusions applied", () => {
    const { rnd, docs, index, excluded } = data;
    for (let k = 0; k < 600; k++) {
      let p: Uint32Array;
      if (k % 2 === 0) {
        p = randomTokens(rnd, 1 + rnd(8));
      } else {
        const d = docs[rnd(docs.length)]!.tokens!;
        const len = Math.min(d.length, 1 + rnd(8));
        if (len === 0) continue;
        const at = rnd(d.length - len + 1);
        p = d.slice(at, at + len);
      }
      assert.equal(countOccurrences(index, p), scanCount(docs, excluded, p), `pattern ${p.join(",")}`);
    }
  });

  it("finds the same longest match at every position, with the same count", () => {
    const { rnd, index } = data;
    for (let k = 0; k < 60; k++) {
      const q = randomTokens(rnd, 1 + rnd(120));
      const { m } = longestOverShards(index, q);
      const naive = naiveMatches(index, q);
      assert.deepEqual([...m], [...naive.m]);
      for (let i = 0; i < q.length; i++) {
        if (m[i]! > 0) assert.equal(countOccurrences(index, q.slice(i, i + m[i]!)), naive.count[i]);
      }
    }
  });

  it("gives the naive scan's result, hash for hash, under varied parameters", () => {
    const { rnd, index } = data;
    let spans = 0;
    for (let k = 0; k < 80; k++) {
      const q = randomTokens(rnd, 1 + rnd(200));
      const params = {
        minSpanTokens: 1 + rnd(5),
        maxSpanCount: 1 + rnd(20),
        maxSpansPerToken: { num: 1 + rnd(10), den: 10 + rnd(90) },
      };
      const fast = attributeTokens(index as SpanIndex, q, params);
      const slow = naiveAttributeTokens(index, q, params);
      assert.equal(resultHash(fast), resultHash(slow), `case ${k}`);
      assert.deepEqual(fast.weights, slow.weights);
      spans += fast.spans.length;
    }
    assert.ok(spans > 40, `only ${spans} spans found: the cases test too little`);
  });
});
