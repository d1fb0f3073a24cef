// Maximal spans, word boundaries, filters, density and weights on hand-made datanets.
import assert from "node:assert/strict";
import { attributeOutput, countOccurrences } from "../../../node/attribution/span/attribute.js";
import type { SpanIndex } from "../../../node/attribution/span/live-index.js";
import {
  contributionWeights,
  log2Fixed,
  type SpanResult,
  toBps,
} from "../../../node/attribution/span/select.js";
import { tokenize } from "../../../node/attribution/span/tokenizer.js";
import { cleanRoots, doc, indexOf } from "./helpers.js";

const ALL = { num: 1, den: 1 };
const view = (r: SpanResult) => ({
  spans: r.spans.map((s) => [s.start, s.end, s.text, s.count, s.contributions]),
  weights: r.weights.map((w) => [w.contributionId, w.bps]),
});

describe("span attribution: maximal spans and weights (hand-made)", () => {
  after(cleanRoots);
  let index: SpanIndex;
  before(() => {
    const common = " and so the common phrase goes on for a good many words today";
    index = indexOf([
      [
        doc(1n, " The quick brown fox jumps over the lazy dog near the river bank."),
        doc(2n, " One two three four five."),
        doc(3n, " four five six seven eight."),
        doc(4n, " Alpha beta gamma delta epsilon."),
        doc(5n, " Alpha beta gamma delta epsilon."),
        doc(6n, " foo. zeta eta theta iota kappa"),
        doc(7n, " red green blue liloti"),
        ...Array.from({ length: 12 }, (_, k) => doc(BigInt(10 + k), ` word${k}${common}`)),
        doc(30n, ` first second third fourth fifth sixth seventh eighth ninth${common}`),
      ],
    ]);
  });

  it("finds the maximal verbatim span and its contribution", () => {
    const r = attributeOutput(index, "Yesterday the quick brown fox jumps over the fence.", {
      minSpanTokens: 3,
    });
    // " the" (lower case) is not " The": the span starts at " quick".
    assert.deepEqual(view(r), {
      spans: [[2, 8, " quick brown fox jumps over the", 1, [1n]]],
      weights: [[1n, 10000]],
    });
  });

  it("keeps overlapping maximal spans of different contributions, weighted by length", () => {
    const r = attributeOutput(index, " One two three four five six seven eight.", {
      minSpanTokens: 3,
      maxSpansPerToken: ALL,
    });
    assert.deepEqual(view(r), {
      spans: [
        [0, 5, " One two three four five", 1, [2n]],
        [3, 9, " four five six seven eight.", 1, [3n]],
      ],
      // 5 : 6 tokens → 4545.45… and 5454.54… bps; the larger remainder takes the last point.
      weights: [
        [2n, 4545],
        [3n, 5455],
      ],
    });
  });

  it("shares a span among the contributions holding it, rarity 1/count", () => {
    const r = attributeOutput(index, "Greek: Alpha beta gamma delta epsilon. And also river bank.", {
      minSpanTokens: 3,
      maxSpansPerToken: ALL,
    });
    // 6 tokens in 2 documents: 6 × (1/2) shared by two = 1.5 each; " river bank." 3 × 1 = 3.
    assert.deepEqual(view(r), {
      spans: [
        [2, 8, " Alpha beta gamma delta epsilon.", 2, [4n, 5n]],
        [10, 13, " river bank.", 1, [1n]],
      ],
      weights: [
        [1n, 5000],
        [4n, 2500],
        [5n, 2500],
      ],
    });
  });

  it("starts spans at word starts, not on punctuation glued to the word before", () => {
    const r = attributeOutput(index, " bar. zeta eta theta iota kappa", { minSpanTokens: 6 });
    assert.deepEqual(view(r).spans, [[2, 8, " zeta eta theta iota kappa", 1, [6n]]]);
  });

  it("ends spans at word ends, not inside a word", () => {
    const r = attributeOutput(index, " red green blue lilotu end", { minSpanTokens: 2 });
    assert.deepEqual(view(r).spans, [[0, 3, " red green blue", 1, [7n]]]);
  });

  it("drops spans shorter than minSpanTokens or more common than maxSpanCount", () => {
    assert.deepEqual(attributeOutput(index, " red green blue", { minSpanTokens: 4 }).spans, []);
    const r = attributeOutput(index, " Alpha beta gamma delta epsilon.", {
      minSpanTokens: 3,
      maxSpanCount: 1,
    });
    assert.deepEqual(view(r), { spans: [], weights: [] });
  });

  it("credits nobody for a common passage glued to a few chance words", () => {
    const glued = " word3 and so the common phrase goes on for a good many words today";
    // Rare as a whole (one document), but all of it but "word3" is in 13 documents.
    assert.equal(countOccurrences(index, tokenize(glued)), 1);
    assert.deepEqual(attributeOutput(index, glued, { minSpanTokens: 4 }).spans, []);
    const real = " first second third fourth fifth sixth seventh eighth ninth and so the common phrase";
    const r = attributeOutput(index, real, { minSpanTokens: 4 });
    assert.deepEqual(
      r.spans.map((s) => [s.count, s.contributions]),
      [[1, [30n]]],
    );
  });

  it("keeps at most ceil(density × tokens) spans, the least probable ones", () => {
    const out = " One two three four five six seven eight.";
    const one = attributeOutput(index, out, { minSpanTokens: 3, maxSpansPerToken: { num: 1, den: 100 } });
    const two = attributeOutput(index, out, { minSpanTokens: 3, maxSpansPerToken: { num: 2, den: 9 } });
    assert.equal(two.spans.length, 2);
    // The longer span is the product of more unigram probabilities: the least probable.
    assert.deepEqual(view(one).spans, [[3, 9, " four five six seven eight.", 1, [3n]]]);
  });

  it("ranks by an exact fixed-point log2 (16 fraction bits, integer steps only)", () => {
    assert.deepEqual(
      [1, 2, 3, 10, 1000, 2 ** 31 - 1, 2 ** 53 - 1].map(log2Fixed),
      [0, 65536, 103872, 217705, 653117, 2031615, 3473407],
    );
    for (let x = 1; x < 1e7; x = Math.floor(x * 1.7) + 1) {
      assert.ok(Math.abs(log2Fixed(x) / 65536 - Math.log2(x)) <= 2 ** -15, `log2 ${x}`);
    }
  });

  it("rounds to basis points by largest remainder, ties to the lower contribution id", () => {
    assert.deepEqual(
      toBps(
        new Map([
          [9n, 1n],
          [3n, 1n],
          [5n, 1n],
        ]),
      ),
      [
        { contributionId: 3n, bps: 3334 },
        { contributionId: 5n, bps: 3333 },
        { contributionId: 9n, bps: 3333 },
      ],
    );
    // A weight too small for one point is dropped; the sum stays 10000.
    const w = toBps(
      new Map([
        [1n, 1n],
        [2n, 100000n],
      ]),
    );
    assert.deepEqual(w, [{ contributionId: 2n, bps: 10000 }]);
    assert.deepEqual(toBps(new Map()), []);
    // len × occurrences / count², over the lcm of the count² (4 and 9 → 36).
    const weights = contributionWeights([
      { start: 0, len: 6, occ: [1n, 2n] },
      { start: 9, len: 3, occ: [2n, 3n, 3n] },
    ]);
    assert.deepEqual(
      [...weights],
      [
        [1n, 54n],
        [2n, 66n],
        [3n, 24n],
      ],
    );
  });
});
