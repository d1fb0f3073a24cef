// BlockParts: parts checked against the wanted block's part-set header, early parts kept until the
// block is wanted, duplicates and other heights ignored.
import assert from "node:assert/strict";
import type { Block } from "cosmjs-types/tendermint/types/block";
import { BlockParts } from "../../node/consensus/bft/block-parts.js";
import { makePartSet } from "../../node/types/part-set.js";

const data = new Uint8Array(150_000).map((_, i) => i % 251);
const set = makePartSet(data);
const blockId = { hash: new Uint8Array(32).fill(7), partSetHeader: set.header };

describe("BFT engine block parts", () => {
  it("gathers parts that arrive before and after the block is wanted", () => {
    const bp = new BlockParts(3n);
    assert.equal(set.parts.length, 3);
    assert.equal(bp.addPart({ height: 3n, round: 0, part: set.parts[0]! }).status, "ignored");
    assert.equal(bp.want(blockId, 0), undefined);
    assert.equal(bp.get(blockId)?.count, 1);
    assert.equal(bp.addPart({ height: 3n, round: 0, part: set.parts[0]! }).status, "ignored");
    assert.equal(bp.addPart({ height: 2n, round: 0, part: set.parts[1]! }).status, "ignored");
    assert.equal(bp.addPart({ height: 3n, round: 0, part: set.parts[1]! }).status, "accepted");
    const out = bp.addPart({ height: 3n, round: 0, part: set.parts[2]! });
    assert.equal(out.status, "accepted");
    assert.ok(out.status === "accepted" && out.completed?.bytes);
    assert.deepEqual(out.completed.bytes, data);
  });

  it("keeps own blocks complete and forgets them on a new height", () => {
    const bp = new BlockParts(1n);
    bp.addOwn(blockId, 1, set, data, {} as Block);
    assert.equal(bp.partsOf(blockId)?.parts.length, 3);
    bp.reset(2n);
    assert.equal(bp.get(blockId), undefined);
  });
});
