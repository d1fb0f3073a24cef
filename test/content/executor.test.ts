// Inline contribution content enters the content store when its tx commits: the block executor's
// batch hook puts it into the block's own atomic batch; failed txs and references add nothing.
import assert from "node:assert/strict";
import { inlineContents } from "../../node/content/indexer.js";
import { toHex } from "../../node/content/manifest.js";
import { manifestKey } from "../../node/content/store.js";
import type { Db } from "../../node/store/db.js";
import { DbPrefix } from "../../node/store/db.js";
import { signer } from "../app/helpers.js";
import { appState, contribute, contributeText, create, sha, text } from "../datanets/helpers.js";
import { ChainNode } from "./helpers.js";

/** Records the keys put through each chained batch the executor opens. */
function recordBatches(db: Db): string[][] {
  const batches: string[][] = [];
  const original = db.batch.bind(db) as () => ReturnType<Db["batch"]>;
  (db as unknown as { batch: () => unknown }).batch = () => {
    const batch = original();
    const keys: string[] = [];
    batches.push(keys);
    const put = batch.put.bind(batch);
    batch.put = (key: Uint8Array, value: Uint8Array) => {
      keys.push(toHex(key));
      return put(key, value);
    };
    return batch;
  };
  return batches;
}

describe("content: inline content enters the store with its block", () => {
  let node: ChainNode;
  beforeEach(async () => {
    node = await ChainNode.start(appState());
  });
  afterEach(async () => {
    await node.close();
  });

  it("a block with MsgContribute inline content puts it in the store in the block's one batch", async () => {
    const [alice, bob, carol] = await Promise.all([signer("alice"), signer("bob"), signer("carol")]);
    await node.block([await node.sign(alice, create(alice.address))]);
    const batches = recordBatches(node.t.db);
    const ok = await node.sign(
      bob,
      contributeText(bob.address, 1n, "first note"),
      contributeText(bob.address, 1n, "second note"),
      contribute(bob.address, 1n, { contentHash: sha("by reference"), size: 12n, mediaType: "text/csv" }),
    );
    const failed = await node.sign(carol, contributeText(carol.address, 99n, "to no datanet"));
    const res = await node.block([ok, failed]);
    assert.equal(res.txResults[0]!.code, 0, res.txResults[0]!.log);
    assert.equal(res.txResults[1]!.code, 3, "datanet not found");

    for (const note of ["first note", "second note"])
      assert.equal(toHex((await node.store.get(sha(note)))!), toHex(text(note)), note);
    assert.equal(await node.store.has(sha("to no datanet")), false, "a failed tx stores nothing");
    assert.equal(await node.store.has(sha("by reference")), false, "a reference has no bytes to store");

    // The executor's batch (block, results, tx index) holds the content too; the app's commit
    // writes its state in a batch of its own.
    const blockPrefix = DbPrefix.Block.toString(16).padStart(2, "0");
    const withBlock = batches.filter((keys) => keys.some((k) => k.startsWith(blockPrefix)));
    assert.equal(withBlock.length, 1, "one batch holds the block");
    const keys = withBlock[0]!;
    for (const note of ["first note", "second note"]) assert.ok(keys.includes(toHex(manifestKey(sha(note)))));
  });

  it("inlineContents reads MsgContribute inline bytes out of a tx, and nothing out of garbage", async () => {
    const bob = await signer("bob");
    const tx = await node.sign(
      bob,
      contributeText(bob.address, 1n, "x"),
      contributeText(bob.address, 1n, "y"),
    );
    assert.deepEqual(
      inlineContents(tx).map((b) => Buffer.from(b).toString()),
      ["x", "y"],
    );
    assert.deepEqual(inlineContents(Uint8Array.of(0xff, 0xff, 0xff)), []);
  });
});
