// Determinism: every validator must compute the same result (compared by hash) from the same
// datanet version and output: twice, after a rebuild, across shard splits and document orders.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { attributeOutput } from "../../../node/attribution/span/attribute.js";
import type { SpanIndex } from "../../../node/attribution/span/live-index.js";
import {
  type PlantedDatanet,
  plantedDatanet,
  plantedOutput,
} from "../../../node/attribution/span/planted.js";
import { encodeResult, resultHash } from "../../../node/attribution/span/result.js";
import { buildShardSync } from "../../../node/attribution/span/shard-build.js";
import { cleanRoots, doc, indexOf, tempRoot } from "./helpers.js";

const OUT = { seed: 11, spans: [2, 4], spanWords: [12, 30], novelWords: [5, 20] } as {
  seed: number;
  spans: [number, number];
  spanWords: [number, number];
  novelWords: [number, number];
};

function hashes(index: SpanIndex, data: PlantedDatanet): string[] {
  return Array.from({ length: 20 }, (_, k) =>
    resultHash(attributeOutput(index, plantedOutput(data, OUT, k).text)),
  );
}

describe("span attribution: determinism", () => {
  after(cleanRoots);
  const data = plantedDatanet({ seed: 3, contributors: 40, docsPerContributor: 3, wordsPerDoc: 100 });

  it("gives the same results twice, after a byte-identical rebuild, and over any shard split", () => {
    const one = indexOf([data.docs], [], "v");
    const base = hashes(one, data);
    assert.deepEqual(hashes(one, data), base, "same index, twice");
    assert.ok(new Set(base).size === base.length, "the outputs differ, so must their results");

    const root = tempRoot();
    buildShardSync(join(root, "a"), data.docs);
    buildShardSync(join(root, "b"), data.docs);
    for (const f of ["tokens.u32", "sa.u32", "docs.bin", "meta.json"]) {
      assert.ok(readFileSync(join(root, "a", f)).equals(readFileSync(join(root, "b", f))), `${f} differs`);
    }
    assert.deepEqual(hashes(indexOf([data.docs], [], "v"), data), base, "after a rebuild");

    const d = data.docs;
    const split = indexOf([d.slice(0, 7), d.slice(7, 60), d.slice(60, 61), d.slice(61)], [], "v");
    assert.deepEqual(hashes(split, data), base, "four shards");
    const reversed = indexOf([[...d].reverse()], [], "v");
    assert.deepEqual(hashes(reversed, data), base, "documents in another order");
  });

  it("encodes a result canonically (pinned hash of a fixed case)", () => {
    const index = indexOf(
      [
        [
          doc(7n, " The quick brown fox jumps over the lazy dog."),
          doc(3n, " the lazy dog sleeps all day long"),
        ],
      ],
      [],
      "pinned",
    );
    const r = attributeOutput(index, "A quick brown fox jumps over the lazy dog sleeps all day long.", {
      minSpanTokens: 4,
      maxSpansPerToken: { num: 1, den: 1 },
    });
    assert.deepEqual(
      r.spans.map((s) => [s.start, s.end, s.text, s.count, s.contributions]),
      [
        [1, 9, " quick brown fox jumps over the lazy dog", 1, [7n]],
        [6, 13, " the lazy dog sleeps all day long", 1, [3n]],
      ],
    );
    assert.deepEqual(
      r.weights.map((w) => [w.contributionId, w.bps]),
      [
        [3n, 4667],
        [7n, 5333],
      ],
    );
    const bytes = encodeResult(r);
    assert.equal(Buffer.from(bytes.subarray(0, 8)).toString(), "OLSPAN01");
    // magic, version, 5 params, tokens, 2 spans of 1 contribution, 2 weights.
    assert.equal(bytes.length, 8 + 2 + 6 + 20 + 4 + 4 * r.tokens.length + 4 + 2 * (16 + 8) + 4 + 2 * 12);
    assert.equal(resultHash(r), "ca9a6eb94cac299aec2fdff2e13480c36681d94ad91d09462acd6b8293bd4ce9");
  });
});
