// The content store on a real LevelDB: chunking and manifest, reads, the size cap, hash checks,
// and putOps inside a caller's atomic batch.
import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import { CHUNK_SIZE, type ContentError, manifestProblem, toHex } from "../../node/content/manifest.js";
import { DEFAULT_CONTENT_OPTIONS } from "../../node/content/store.js";
import { bytesOf, type TempStore, tempStore } from "./helpers.js";

describe("content store", () => {
  let t: TempStore;
  beforeEach(async () => {
    t = await tempStore(1_000_000);
  });
  afterEach(async () => {
    await t.close();
  });

  it("stores content in 256 KiB chunks with a manifest, and reads it back whole and by chunk", async () => {
    const bytes = bytesOf(2 * CHUNK_SIZE + 1234);
    const hash = await t.store.put(bytes);
    assert.deepEqual(hash, sha256(bytes));
    assert.equal(await t.store.has(hash), true);
    const m = (await t.store.manifest(hash))!;
    assert.equal(m.size, BigInt(bytes.length));
    assert.equal(m.chunkSize, CHUNK_SIZE);
    assert.deepEqual(
      m.chunkHashes.map(toHex),
      [
        bytes.subarray(0, CHUNK_SIZE),
        bytes.subarray(CHUNK_SIZE, 2 * CHUNK_SIZE),
        bytes.subarray(2 * CHUNK_SIZE),
      ].map((c) => toHex(sha256(c))),
    );
    assert.equal(toHex((await t.store.getChunk(hash, 2))!), toHex(bytes.subarray(2 * CHUNK_SIZE)));
    assert.equal(await t.store.getChunk(hash, 3), undefined);
    assert.equal(await t.store.getChunk(hash, -1), undefined);
    assert.deepEqual(await t.store.get(hash), bytes);
    assert.equal(manifestProblem(m, 1_000_000, BigInt(bytes.length)), undefined);
    // Twice is harmless.
    await t.store.put(bytes);
    assert.deepEqual(await t.store.get(hash), bytes);
  });

  it("answers undefined / false for content it does not hold", async () => {
    const h = sha256(new Uint8Array([1]));
    assert.equal(await t.store.has(h), false);
    assert.equal(await t.store.get(h), undefined);
    assert.equal(await t.store.manifest(h), undefined);
    assert.equal(await t.store.getChunk(h, 0), undefined);
  });

  it("refuses content over the cap, empty content, and bytes that do not match the expected hash", async () => {
    await assert.rejects(t.store.put(bytesOf(1_000_001)), (e: ContentError) => e.reason === "too_large");
    await assert.rejects(t.store.put(new Uint8Array(0)), (e: ContentError) => e.reason === "empty");
    const bytes = bytesOf(100);
    await assert.rejects(
      t.store.put(bytes, sha256(bytesOf(100, 2))),
      (e: ContentError) => e.reason === "mismatch" && /hashes to [0-9a-f]{64}, expected/.test(e.message),
    );
    assert.equal(await t.store.has(sha256(bytes)), false, "nothing stored");
    assert.equal(DEFAULT_CONTENT_OPTIONS.maxContentBytes, 64 * 1024 * 1024);
  });

  it("putOps go into a caller's batch: nothing is there until the batch is written", async () => {
    const bytes = bytesOf(CHUNK_SIZE + 1);
    const ops = t.store.putOps(bytes);
    assert.equal(ops.length, 3, "two chunks and the manifest");
    assert.equal(await t.store.has(sha256(bytes)), false);
    await t.db.batch([...ops, { type: "put", key: Uint8Array.of(0xee), value: Uint8Array.of(1) }]);
    assert.deepEqual(await t.store.get(sha256(bytes)), bytes);
  });
});
