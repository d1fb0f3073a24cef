// Vote sets pinned to CometBFT's types/vote_set_test.go (v0.38.25): where +2/3 begins, what a
// conflicting vote does with and without a peer's +2/3 claim, and the commit made from the votes.
import assert from "node:assert/strict";
import type { BlockID, Vote } from "cosmjs-types/tendermint/types/types";
import { ValidatorSet } from "../../node/consensus/bft/validator-set.js";
import { VoteSet } from "../../node/consensus/bft/vote-set.js";
import { zeroBlockId } from "../../node/types/block.js";
import { type Ed25519Key, keyFromSecret } from "../../node/types/ed25519.js";
import { timestampFromMillis } from "../../node/types/time.js";
import { verifyCommit } from "../../node/types/validation.js";
import { makeValidator } from "../../node/types/validator.js";
import { SIGNED_MSG_TYPE_PRECOMMIT, SIGNED_MSG_TYPE_PREVOTE, signVote } from "../../node/types/vote.js";

const CHAIN = "vote-set-chain";

function setup(n: number, power = 1n, type = SIGNED_MSG_TYPE_PREVOTE) {
  const keys = Array.from({ length: n }, (_, i) => keyFromSecret(`vote-set-${i}`));
  const vals = ValidatorSet.create(keys.map((k) => makeValidator(k.pubKey, power)));
  const keyAt = (i: number): Ed25519Key =>
    keys.find((k) => Buffer.from(k.address).equals(Buffer.from(vals.getByIndex(i)!.address)))!;
  const set = new VoteSet(CHAIN, 1n, 0, type, vals);
  const vote = (i: number, blockId: BlockID = zeroBlockId()): Vote => {
    const v: Vote = {
      type,
      height: 1n,
      round: 0,
      blockId,
      timestamp: timestampFromMillis(1_700_000_000_000),
      validatorAddress: keyAt(i).address,
      validatorIndex: i,
      signature: new Uint8Array(0),
      extension: new Uint8Array(0),
      extensionSignature: new Uint8Array(0),
    };
    return { ...v, signature: signVote(CHAIN, v, keyAt(i)) };
  };
  return { vals, set, vote };
}

const id = (seed: number, total = 1, partSeed = seed): BlockID => ({
  hash: new Uint8Array(32).fill(seed),
  partSetHeader: { total, hash: new Uint8Array(32).fill(partSeed) },
});

describe("vote sets (CometBFT types/vote_set.go)", () => {
  it("TestVoteSet_2_3Majority: 10 × power 1, +2/3 means 7", () => {
    const { set, vote } = setup(10);
    for (let i = 0; i < 6; i++) assert.equal(set.addVote(vote(i)).kind, "added");
    assert.equal(set.twoThirdsMajority(), undefined);
    assert.equal(set.hasTwoThirdsAny(), false);
    set.addVote(vote(6, id(9)));
    assert.equal(set.twoThirdsMajority(), undefined);
    assert.equal(set.hasTwoThirdsAny(), true);
    set.addVote(vote(7));
    assert.deepEqual(set.twoThirdsMajority(), zeroBlockId(), "+2/3 for nil");
  });

  it("TestVoteSet_2_3MajorityRedux: a different part set header is a different block", () => {
    const { set, vote } = setup(100);
    const block = id(1, 123, 2);
    for (let i = 0; i < 66; i++) set.addVote(vote(i, block));
    assert.equal(set.hasTwoThirdsMajority(), false);
    set.addVote(vote(66)); // nil
    set.addVote(vote(67, id(1, 123, 3))); // other part set hash
    set.addVote(vote(68, id(1, 124, 2))); // other part count
    set.addVote(vote(69, id(4, 123, 2))); // other block hash
    assert.equal(set.hasTwoThirdsMajority(), false);
    set.addVote(vote(70, block));
    assert.deepEqual(set.twoThirdsMajority(), block);
  });

  it("TestVoteSet_Conflicts: a conflicting vote counts only for a block a peer claims +2/3 for", () => {
    const { set, vote } = setup(4);
    const [h1, h2] = [id(1), id(2)];
    assert.equal(set.addVote(vote(0)).kind, "added");
    assert.equal(set.addVote(vote(0, h1)).kind, "conflicting");
    assert.equal(set.setPeerMaj23("peerA", h1), undefined);
    const tracked = set.addVote(vote(0, h1));
    assert.equal(tracked.kind, "added");
    assert.ok(tracked.kind === "added" && tracked.conflicting !== undefined);
    assert.ok(set.setPeerMaj23("peerA", h2) !== undefined, "peerA already claimed another block");
    assert.equal(set.addVote(vote(0, h2)).kind, "conflicting");
    set.addVote(vote(1, h1));
    assert.equal(set.hasTwoThirdsMajority(), false);
    assert.equal(set.hasTwoThirdsAny(), false);
    set.addVote(vote(2, h2));
    assert.equal(set.hasTwoThirdsMajority(), false);
    assert.equal(set.hasTwoThirdsAny(), true);
    set.setPeerMaj23("peerB", h1);
    assert.equal(set.addVote(vote(2, h1)).kind, "added");
    assert.deepEqual(set.twoThirdsMajority(), h1);
  });

  it("duplicates, forgeries and out-of-place votes", () => {
    const { set, vote } = setup(4);
    const v = vote(1, id(1));
    assert.equal(set.addVote(v).kind, "added");
    assert.equal(set.addVote(v).kind, "duplicate");
    assert.equal(set.addVote({ ...v, signature: vote(2, id(1)).signature }).kind, "invalid");
    assert.equal(set.addVote({ ...vote(2, id(1)), round: 1 }).kind, "invalid");
    assert.equal(set.addVote({ ...vote(2, id(1)), validatorIndex: 3 }).kind, "invalid");
    assert.equal(set.votedPower, 1n);
  });

  it("makes a commit verifyCommit accepts, with weighted powers", () => {
    assert.throws(() => setup(4).set.makeCommit(), /prevotes/);
    const { vals, set, vote } = setup(4, 5n, SIGNED_MSG_TYPE_PRECOMMIT);
    const b = id(7);
    set.addVote(vote(0, b));
    set.addVote(vote(1));
    set.addVote(vote(2, b));
    assert.throws(() => set.makeCommit(), /no \+2\/3/);
    set.addVote(vote(3, b));
    const commit = set.makeCommit();
    assert.deepEqual(
      commit.signatures.map((s) => s.blockIdFlag),
      [2, 3, 2, 2],
    );
    assert.deepEqual(verifyCommit(CHAIN, vals.validators, b, 1n, commit), { ok: true });
  });
});
