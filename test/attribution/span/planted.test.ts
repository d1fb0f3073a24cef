// The planted benchmark (issue "Proof of Attribution", acceptance): a seeded datanet of 200
// contributors (3 documents each, Zipf-like words, 30% ending with one of 4 boilerplate lines) and
// 60 outputs, each made of 2 to 5 verbatim spans (15 to 50 words) of known contributions between
// novel text (10 to 40 words), 30% of the spans with one word replaced in the middle, half the
// outputs carrying a boilerplate line too common to credit. Default parameters throughout.
//
// Definitions. Found contributors of an output: the contributors of the contributions with bps > 0.
// Precision and recall are over (output, contributor) pairs, against the planted contributors.
// Reward share of a contributor in an output: the sum of its contributions' bps / 10000. Planted
// proportion: its planted tokens / all planted tokens of the output (each planted piece tokenized
// on its own; the replaced word is no one's). "Within 1%": |share − proportion| <= 0.01 for every
// output and every contributor (planted or found).
import assert from "node:assert/strict";
import { join } from "node:path";
import { attributeOutput } from "../../../node/attribution/span/attribute.js";
import { liveIndex, type SpanIndex } from "../../../node/attribution/span/live-index.js";
import { naiveAttributeTokens } from "../../../node/attribution/span/naive.js";
import {
  type OutputOptions,
  type PlantedDatanet,
  plantedDatanet,
  plantedOutput,
} from "../../../node/attribution/span/planted.js";
import { resultHash } from "../../../node/attribution/span/result.js";
import { buildShardSync } from "../../../node/attribution/span/shard-build.js";
import { openShard } from "../../../node/attribution/span/shard-open.js";
import { cleanRoots, tempRoot } from "./helpers.js";

const OUTPUTS: OutputOptions = { seed: 7, spans: [2, 5], spanWords: [15, 50], novelWords: [10, 40] };

describe("span attribution: planted benchmark (200 contributors)", () => {
  after(cleanRoots);
  let data: PlantedDatanet;
  let index: SpanIndex;
  before(() => {
    data = plantedDatanet({ seed: 42, contributors: 200, docsPerContributor: 3, wordsPerDoc: 150 });
    const dir = join(tempRoot(), "s0");
    buildShardSync(dir, data.docs);
    index = liveIndex("planted", [openShard(dir)]);
  });

  it("finds the planted contributors (precision and recall >= 0.95) with shares within 1%", () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let worst = 0;
    let edited = 0;
    for (let k = 0; k < 60; k++) {
      const out = plantedOutput(data, { ...OUTPUTS, boilerplatePercent: 50, editPercent: 30 }, k);
      const r = attributeOutput(index, out.text);
      const share = new Map<number, number>();
      for (const w of r.weights) {
        const c = data.contributorOf.get(w.contributionId)!;
        share.set(c, (share.get(c) ?? 0) + w.bps);
      }
      const planted = [...out.planted.values()].reduce((a, b) => a + b, 0);
      for (const c of new Set([...share.keys(), ...out.planted.keys()])) {
        if (share.has(c) && out.planted.has(c)) tp++;
        else if (share.has(c)) fp++;
        else fn++;
        const err = Math.abs((share.get(c) ?? 0) / 10000 - (out.planted.get(c) ?? 0) / planted);
        worst = Math.max(worst, err);
      }
      edited += r.spans.length - out.planted.size;
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    assert.ok(precision >= 0.95, `precision ${precision}`);
    assert.ok(recall >= 0.95, `recall ${recall}`);
    assert.ok(worst <= 0.01, `largest share error ${worst}`);
    assert.ok(edited > 5, "the edited spans should split into two spans each");
  });

  it("gives the naive scan's results on the planted outputs", () => {
    for (let k = 0; k < 8; k++) {
      const out = plantedOutput(data, OUTPUTS, k);
      const r = attributeOutput(index, out.text);
      assert.equal(resultHash(naiveAttributeTokens(index, r.tokens)), resultHash(r));
    }
  });
});
