// Refusals with a clear SpanError: corrupt or missing index files (sizes, checksums, layout),
// bad parameters, empty or oversized outputs, bad documents.
import assert from "node:assert/strict";
import { appendFileSync, cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { attributeOutput, attributeTokens } from "../../../node/attribution/span/attribute.js";
import { SpanError } from "../../../node/attribution/span/errors.js";
import { checkParams } from "../../../node/attribution/span/params.js";
import { buildShardSync } from "../../../node/attribution/span/shard-build.js";
import { openShard } from "../../../node/attribution/span/shard-open.js";
import { TOKEN_BOUND } from "../../../node/attribution/span/tokenizer.js";
import { buildVersion, openIndex } from "../../../node/attribution/span/versions.js";
import { cleanRoots, doc, indexOf, tempRoot } from "./helpers.js";

const code = (c: string) => (err: unknown) => err instanceof SpanError && err.code === c;
const DOCS = [doc(1n, " one two three four five six"), doc(2n, " seven eight nine ten eleven")];

describe("span index: refusals", () => {
  after(cleanRoots);
  let clean: string;
  before(() => {
    clean = join(tempRoot(), "clean");
    buildShardSync(clean, DOCS);
  });
  const damaged = (harm: (dir: string) => void): string => {
    const dir = join(tempRoot(), "shard");
    cpSync(clean, dir, { recursive: true });
    harm(dir);
    return dir;
  };

  it("refuses a shard whose files changed, shrank, vanished or whose meta was edited", () => {
    assert.doesNotThrow(() => openShard(clean));
    const flipped = damaged((dir) => {
      const sa = readFileSync(join(dir, "sa.u32"));
      [sa[0], sa[4]] = [sa[4]!, sa[0]!]; // a swap: sizes and ranges still fine
      writeFileSync(join(dir, "sa.u32"), sa);
    });
    assert.throws(() => openShard(flipped), code("corrupt-index"));
    assert.throws(
      () =>
        openShard(
          damaged((dir) => truncateSync(join(dir, "tokens.u32"), 8)),
          "sizes",
        ),
      code("corrupt-index"),
    );
    assert.throws(
      () => openShard(damaged((dir) => appendFileSync(join(dir, "docs.bin"), "x"))),
      code("corrupt-index"),
    );
    assert.throws(() => openShard(damaged((dir) => rmSync(join(dir, "sa.u32")))), code("missing-index"));
    assert.throws(() => openShard(damaged((dir) => rmSync(join(dir, "meta.json")))), code("missing-index"));
    const edited = damaged((dir) => {
      const path = join(dir, "meta.json");
      writeFileSync(path, readFileSync(path, "utf8").replace(/"docs": 2/, '"docs": 1'));
    });
    assert.throws(() => openShard(edited), code("corrupt-index"));
    assert.throws(
      () => openShard(damaged((dir) => writeFileSync(join(dir, "meta.json"), "{"))),
      code("corrupt-index"),
    );
  });

  it("refuses a tampered version manifest and a shard built twice", async () => {
    const root = tempRoot();
    await buildVersion(root, { version: "1", add: DOCS, background: false });
    const path = join(root, "versions", "1.json");
    writeFileSync(path, readFileSync(path, "utf8").replace('"excluded": []', '"excluded": ["1"]'));
    assert.throws(() => openIndex(root, "1"), code("corrupt-index"));
    assert.throws(() => buildShardSync(clean, DOCS), code("exists"));
  });

  it("refuses bad documents", () => {
    const dir = () => join(tempRoot(), "s");
    assert.throws(() => buildShardSync(dir(), []), code("invalid-input"));
    assert.throws(() => buildShardSync(dir(), [{ contributionId: 1n }]), code("invalid-input"));
    assert.throws(
      () => buildShardSync(dir(), [{ contributionId: 1 as unknown as bigint, text: "a" }]),
      code("invalid-input"),
    );
    assert.throws(
      () => buildShardSync(dir(), [{ contributionId: 1n << 64n, text: "a" }]),
      code("invalid-input"),
    );
    // 100261 lies in a gap among cl100k's special ids.
    for (const bad of [TOKEN_BOUND, 100261]) {
      const tokens = Uint32Array.of(bad);
      assert.throws(() => buildShardSync(dir(), [{ contributionId: 1n, tokens }]), code("invalid-input"));
    }
  });

  it("refuses bad parameters and empty, oversized or malformed outputs", () => {
    const index = indexOf([DOCS]);
    for (const bad of [
      { minSpanTokens: 0 },
      { minSpanTokens: 2.5 },
      { maxSpanCount: "10" },
      { maxSpansPerToken: { num: 2, den: 1 } },
      { maxSpansPerToken: { num: 0, den: 5 } },
      { maxSpansPerToken: 0.05 },
      { maxOutputTokens: 1_000_000 },
      { speed: 1 },
    ]) {
      assert.throws(() => checkParams(bad as never), code("invalid-params"), JSON.stringify(bad));
      assert.throws(() => attributeOutput(index, " one two", bad as never), code("invalid-params"));
    }
    assert.throws(() => attributeOutput(index, ""), code("empty-output"));
    assert.throws(() => attributeOutput(index, 5 as unknown as string), code("invalid-input"));
    assert.throws(
      () => attributeOutput(index, "x".repeat(33 * 16), { maxOutputTokens: 16 }),
      code("output-too-long"),
    );
    assert.throws(
      () => attributeOutput(index, " one two three four five", { maxOutputTokens: 3 }),
      code("output-too-long"),
    );
    assert.throws(() => attributeTokens(index, new Uint32Array(0)), code("empty-output"));
    assert.throws(() => attributeTokens(index, Uint32Array.of(TOKEN_BOUND)), code("invalid-input"));
    assert.throws(() => attributeTokens(index, Uint32Array.of(100261)), code("invalid-input"));
    assert.throws(() => attributeTokens({} as never, Uint32Array.of(1)), code("invalid-input"));
  });
});
