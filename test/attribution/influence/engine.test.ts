import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheFile } from "../../../node/attribution/influence/cache.js";
import { InfluenceEngine, resultHash, trainArtifact } from "../../../node/attribution/influence/index.js";
import { syntheticDataset } from "../../../node/attribution/influence/synthetic.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("attribution/influence: engine, cache and results", () => {
  const ds = syntheticDataset({ seed: 11, train: 50, test: 4 });
  const art = trainArtifact(ds.train, { features: { buckets: 48 } });
  let dir = "";

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "influence-cache-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("caches training features per artifact hash; a hit gives the same result hash", async () => {
    const first = await InfluenceEngine.open(art.onnx, ds.train, { cacheDir: dir });
    assert.equal(first.cache, "miss");
    assert.equal(first.provider, "cpu");
    const output = { text: ds.test[0]!.text };
    const a = await first.attribute(output);
    await first.close();
    assert.deepEqual(readdirSync(dir), [hex(art.artifactSha256)]);
    const files = readdirSync(join(dir, hex(art.artifactSha256)));
    assert.equal(files.length, 1, "one file, no temporary left behind");
    assert.match(files[0]!, /^exact-[0-9a-f]{16}\.bin$/);

    const second = await InfluenceEngine.open(art.onnx, [...ds.train].reverse(), { cacheDir: dir });
    assert.equal(second.cache, "hit");
    const b = await second.attribute(output);
    await second.close();
    assert.deepEqual(b, a);
    assert.equal(hex(resultHash(b)), hex(resultHash(a)));
    assert.equal(
      a.contributions.reduce((s, e) => s + e.bps, 0),
      10000,
    );
    assert.equal(hex(a.modelSha256), hex(art.artifactSha256));
  });

  it("rebuilds a damaged cache file, and keys TRAK settings apart", async () => {
    const e1 = await InfluenceEngine.open(art.onnx, ds.train, { cacheDir: dir });
    const before = [...e1.features.data];
    await e1.close();
    const file = join(dir, hex(art.artifactSha256), readdirSync(join(dir, hex(art.artifactSha256)))[0]!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(file, bytes);
    const e2 = await InfluenceEngine.open(art.onnx, ds.train, { cacheDir: dir });
    assert.equal(e2.cache, "miss");
    assert.deepEqual([...e2.features.data], before);
    await e2.close();
    const trak = await InfluenceEngine.open(art.onnx, ds.train, {
      cacheDir: dir,
      method: "trak",
      projectionDim: 32,
    });
    assert.equal(trak.cache, "miss");
    assert.equal(trak.features.rows, 32);
    const r = await trak.attribute({ text: ds.test[1]!.text }, { topK: 5 });
    assert.equal(r.method, "trak");
    assert.ok(r.contributions.length <= 5);
    await trak.close();
    const key = {
      artifactSha256: art.artifactSha256,
      trainingSetSha256: art.model.trainingSetSha256,
      settings: { method: "trak", damping: 1, k: 32, seed: 1 },
    };
    assert.equal(readdirSync(join(dir, hex(art.artifactSha256))).length, 2);
    assert.ok(
      readdirSync(join(dir, hex(art.artifactSha256))).includes(cacheFile(dir, key).split("/").pop()!),
    );
  });

  it("scores the predicted label by default, or the label given", async () => {
    const engine = await InfluenceEngine.open(art.onnx, ds.train);
    assert.equal(engine.cache, "off");
    const [pred] = await engine.predict([ds.test[2]!.text]);
    const [dflt, given] = await engine.scores([
      { text: ds.test[2]!.text },
      { text: ds.test[2]!.text, label: pred!.label },
    ]);
    assert.equal(dflt!.label, pred!.label);
    assert.deepEqual(dflt!.scores, given!.scores);
    assert.equal(dflt!.scores.length, 50);
    const other = art.model.classes.find((c) => c !== pred!.label)!;
    const r = await engine.attribute({ text: ds.test[2]!.text, label: other });
    assert.equal(r.label, other);
    await engine.close();
  });

  it("refuses bad input with clear errors", async () => {
    await assert.rejects(
      InfluenceEngine.open(art.onnx, ds.train.slice(1)),
      /not the training set the model was trained on/,
    );
    await assert.rejects(
      InfluenceEngine.open(
        art.onnx,
        ds.train.map((e, i) => (i === 0 ? { ...e, text: `${e.text}!` } : e)),
      ),
      /not the training set/,
    );
    await assert.rejects(InfluenceEngine.open(art.onnx, []), /no training examples/);
    await assert.rejects(
      InfluenceEngine.open(art.onnx, ds.train, { maxExactParams: 100 }),
      /use method "trak"/,
    );
    await assert.rejects(InfluenceEngine.open(art.onnx.subarray(0, 100), ds.train), /ONNX|openledger model/);
    const engine = await InfluenceEngine.open(art.onnx, ds.train);
    await assert.rejects(
      engine.attribute({ text: "x", label: "nope" }),
      /unknown label "nope" \(the model's labels:/,
    );
    const huge = "a".repeat(art.model.features.maxTextBytes + 1);
    await assert.rejects(engine.attribute({ text: huge }), /output 0: text is over 262144 bytes/);
    await engine.close();
  });
});
