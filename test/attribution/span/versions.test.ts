// Incremental datanet versions: a new shard per version for the contributions approved since, an
// exclusion set for those removed; the background build and its progress; refusals.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { attributeOutput } from "../../../node/attribution/span/attribute.js";
import { SpanError } from "../../../node/attribution/span/errors.js";
import { plantedDatanet } from "../../../node/attribution/span/planted.js";
import { resultHash } from "../../../node/attribution/span/result.js";
import type { BuildProgress } from "../../../node/attribution/span/shard-build.js";
import { buildVersion, openIndex, readManifest } from "../../../node/attribution/span/versions.js";
import { cleanRoots, indexOf, tempRoot } from "./helpers.js";

const code = (c: string) => (err: unknown) => err instanceof SpanError && err.code === c;
const ids = (r: { weights: { contributionId: bigint }[] }) => r.weights.map((w) => w.contributionId);

describe("span index: incremental versions", () => {
  after(cleanRoots);
  const data = plantedDatanet({ seed: 5, contributors: 30, docsPerContributor: 2, wordsPerDoc: 120 });
  const first = data.docs.slice(0, 40);
  const later = data.docs.slice(40);
  // An output copying 40 words of a first-batch document and 40 of a later one.
  const a = first[3]!;
  const b = later[5]!;
  const output = ` ${a.words.slice(10, 50).join(" ")} novel words here${` ${b.words.slice(20, 60).join(" ")}`}`;

  it("builds v1 in the background with progress, adds a shard in v2, excludes in v3", async () => {
    const root = tempRoot();
    const seen: BuildProgress[] = [];
    const m1 = await buildVersion(root, { version: "v1", add: first, onProgress: (p) => seen.push(p) });
    assert.deepEqual(m1.shards, ["v-v1"]);
    assert.deepEqual([...new Set(seen.map((p) => p.phase))], ["tokenize", "suffix-array", "write"]);
    assert.ok(seen.every((p) => p.done >= 0 && p.done <= p.total));
    assert.deepEqual(seen.at(-1), { phase: "write", done: 4, total: 4 });

    const m2 = await buildVersion(root, { version: "v2", parent: "v1", add: later, background: false });
    assert.deepEqual(m2.shards, ["v-v1", "v-v2"]);
    const m3 = await buildVersion(root, { version: "v3", parent: "v2", remove: [a.contributionId] });
    assert.deepEqual(m3.shards, m2.shards, "a removal adds no shard");
    assert.deepEqual(m3.excluded, [String(a.contributionId)]);
    assert.deepEqual(readdirSync(join(root, "shards")).sort(), ["v-v1", "v-v2"]);

    const v1 = attributeOutput(openIndex(root, "v1"), output);
    const v2 = attributeOutput(openIndex(root, "v2"), output);
    const v3 = attributeOutput(openIndex(root, "v3"), output);
    assert.deepEqual(ids(v1), [a.contributionId], "v1 knows only the first batch");
    assert.deepEqual(
      ids(v2),
      [a.contributionId, b.contributionId].sort((x, y) => (x < y ? -1 : 1)),
    );
    assert.deepEqual(ids(v3), [b.contributionId], "the removed contribution is gone");
    assert.deepEqual(
      v3.weights.map((w) => w.bps),
      [10000],
    );

    // v3 (two shards, one exclusion) attributes exactly as one fresh shard of the live documents.
    const live = data.docs.filter((d) => d.contributionId !== a.contributionId);
    const fresh = attributeOutput(indexOf([live], [], "v3"), output);
    assert.equal(resultHash(v3), resultHash(fresh));
  });

  it("refuses a version that exists, unknown or repeated removals, re-added ids, bad names", async () => {
    const root = tempRoot();
    await buildVersion(root, { version: "1", add: first.slice(0, 4), background: false });
    await assert.rejects(buildVersion(root, { version: "1", add: later.slice(0, 1) }), code("exists"));
    await assert.rejects(
      buildVersion(root, { version: "2", parent: "1", remove: [999n] }),
      code("invalid-input"),
    );
    await assert.rejects(
      buildVersion(root, { version: "2", parent: "1", add: [{ ...first[0]!, text: " again" }] }),
      code("invalid-input"),
    );
    await buildVersion(root, { version: "2", parent: "1", remove: [first[0]!.contributionId] });
    await assert.rejects(
      buildVersion(root, { version: "3", parent: "2", remove: [first[0]!.contributionId] }),
      code("invalid-input"),
    );
    await assert.rejects(buildVersion(root, { version: "../x", add: [] }), code("invalid-input"));
    await assert.rejects(buildVersion(root, { version: "4", parent: "nope" }), code("missing-index"));
    await assert.rejects(
      buildVersion(root, { version: "5", add: [{ contributionId: -1n, text: "x" }] }),
      code("invalid-input"),
    );
    assert.throws(() => readManifest(root, "9"), code("missing-index"));
    assert.throws(() => openIndex(root, "nope"), code("missing-index"));
  });
});
