// The locking rules (the paper's lines 22–46, as CometBFT v1 applies them): a validator locked on
// a block prevotes nothing else unless a proposal shows +2/3 prevotes (a POL) for the other block in
// a round at or after its lock; it relocks on a later polka; a proposer re-proposes its valid block.
import assert from "node:assert/strict";
import { type CompleteBlock, RoundStep } from "../../node/consensus/bft/types.js";
import { block, Driver, me, others, PRECOMMIT, PREVOTE, proposal, proposerOf } from "./helpers.js";

const A = block("A");
const B = block("B");
const names = { A, B };
const proposalFor = (round: number, b: CompleteBlock, polRound: number) =>
  proposal(proposerOf(round), round, b.blockId, polRound);
const [p0, p1, p2] = others as [(typeof others)[0], (typeof others)[0], (typeof others)[0]];

/** Round 0: A gets a polka, this node locks on A, the others precommit nil; round 1 begins. */
function lockedOnA(): Driver {
  const d = new Driver().start();
  d.propose(0, A);
  d.votes(PREVOTE, 0, A.blockId, [p0, p1]);
  d.votes(PRECOMMIT, 0, undefined, [p0, p1]);
  d.feed({ type: "timeout", height: 1n, round: 0, step: RoundStep.PrecommitWait });
  assert.deepEqual(d.sent(names), ["0:prevote:A", "0:precommit:A"]);
  assert.equal(d.sm.rs.lockedRound, 0);
  assert.deepEqual(d.sm.rs.lockedBlock?.blockId, A.blockId);
  assert.equal(d.sm.rs.round, 1);
  return d;
}

/**
 * Round 1: B is proposed without POL → nil prevote; the others' prevotes for B reach us only
 * later; everyone precommits nil; round 2 begins. Then the round-1 prevotes for B arrive: a POL
 * for B in round 1, seen from round 2 (no lock change: it is not the current round).
 */
function roundTwoWithLatePolForB(): Driver {
  const d = lockedOnA();
  d.propose(1, B);
  d.votes(PRECOMMIT, 1, undefined, [p0, p1, p2]);
  d.feed({ type: "timeout", height: 1n, round: 1, step: RoundStep.PrecommitWait });
  assert.equal(d.sm.rs.round, 2);
  d.votes(PREVOTE, 1, B.blockId, [p0, p1, p2]);
  assert.equal(d.sm.rs.lockedRound, 0, "a polka of an earlier round does not move the lock");
  return d;
}

describe("locking (Tendermint paper, CometBFT consensus/state.go)", () => {
  it("a locked validator prevotes nil for another block proposed without a POL", () => {
    const d = lockedOnA();
    d.propose(1, B);
    assert.deepEqual(d.sent(names).slice(2), ["1:prevote:nil"]);
  });

  it("…and for a block whose claimed POL round had +2/3 for a different block", () => {
    const d = roundTwoWithLatePolForB();
    d.feed({ type: "proposal", proposal: proposalFor(2, B, 0) });
    assert.deepEqual(d.sent(names).slice(2), ["1:prevote:nil", "1:precommit:nil", "2:prevote:nil"]);
  });

  it("…but prevotes it when the proposal carries a POL from a round after its lock", () => {
    const d = roundTwoWithLatePolForB();
    d.feed({ type: "proposal", proposal: proposalFor(2, B, 1) });
    assert.deepEqual(d.sent(names).slice(2), ["1:prevote:nil", "1:precommit:nil", "2:prevote:B"]);
    // A polka for B in round 2: relock on B and precommit it.
    d.votes(PREVOTE, 2, B.blockId, [p0, p1]);
    assert.deepEqual(d.sent(names).at(-1), "2:precommit:B");
    assert.equal(d.sm.rs.lockedRound, 2);
    assert.deepEqual(d.sm.rs.lockedBlock?.blockId, B.blockId);
  });

  it("…nor for a block whose POL is older than its lock", () => {
    const d = new Driver().start();
    // Round 0: a polka for B, whose proposal never reached us: prevote and precommit nil.
    d.votes(PREVOTE, 0, B.blockId, [p0, p1, p2]);
    d.feed({ type: "timeout", height: 1n, round: 0, step: RoundStep.Propose });
    d.votes(PRECOMMIT, 0, undefined, [p0, p1, p2]);
    d.feed({ type: "timeout", height: 1n, round: 0, step: RoundStep.PrecommitWait });
    // Round 1: lock on A.
    d.propose(1, A);
    d.votes(PREVOTE, 1, A.blockId, [p0, p1]);
    d.votes(PRECOMMIT, 1, undefined, [p0, p1]);
    d.feed({ type: "timeout", height: 1n, round: 1, step: RoundStep.PrecommitWait });
    assert.equal(d.sm.rs.lockedRound, 1);
    // Round 2: B with its round-0 POL: 0 < lockedRound, and B is not the locked block.
    d.feed({ type: "proposal", proposal: proposalFor(2, B, 0) });
    d.feed({ type: "blockComplete", height: 1n, block: B });
    assert.deepEqual(d.sent(names), [
      "0:prevote:nil",
      "0:precommit:nil",
      "1:prevote:A",
      "1:precommit:A",
      "2:prevote:nil",
    ]);
  });

  it("a proposal naming a POL round waits for that POL before prevoting", () => {
    const d = lockedOnA();
    d.propose(1, B);
    d.votes(PRECOMMIT, 1, undefined, [p0, p1, p2]);
    d.feed({ type: "timeout", height: 1n, round: 1, step: RoundStep.PrecommitWait });
    d.feed({ type: "proposal", proposal: proposalFor(2, B, 1) });
    assert.equal(d.sm.rs.step, RoundStep.Propose, "incomplete: no +2/3 prevotes of round 1 yet");
    d.votes(PREVOTE, 1, B.blockId, [p0, p1]);
    assert.equal(d.sm.rs.step, RoundStep.Propose);
    d.votes(PREVOTE, 1, B.blockId, [p2]); // the POL is complete: line 28 applies at once
    assert.deepEqual(d.sent(names).at(-1), "2:prevote:B");
  });

  it("keeps prevoting its locked block when it is proposed again", () => {
    const d = lockedOnA();
    d.feed({ type: "proposal", proposal: proposalFor(1, A, -1) });
    assert.deepEqual(d.sent(names).slice(2), ["1:prevote:A"]);
  });

  it("the proposer of a later round re-proposes its valid block with its POL round", () => {
    const d = roundTwoWithLatePolForB();
    d.feed({ type: "timeout", height: 1n, round: 2, step: RoundStep.Propose });
    d.votes(PRECOMMIT, 2, undefined, [p0, p1, p2]);
    d.feed({ type: "timeout", height: 1n, round: 2, step: RoundStep.PrecommitWait });
    assert.equal(d.sm.rs.round, 3);
    const [p] = d.of("broadcastProposal");
    assert.ok(p !== undefined, `round 3 belongs to this node (${Buffer.from(me.address).toString("hex")})`);
    assert.deepEqual(p.proposal.blockId, A.blockId);
    assert.equal(p.proposal.polRound, 0);
    assert.equal(d.of("createBlock").length, 0, "no new block when a valid one exists");
  });

  it("never prevotes or locks a block the driver found invalid", () => {
    const d = new Driver().start();
    const bad = block("bad", false);
    d.propose(0, bad);
    d.votes(PREVOTE, 0, bad.blockId, [p0, p1, p2]);
    assert.deepEqual(d.sent({ bad }), ["0:prevote:nil", "0:precommit:nil"]);
    assert.equal(d.sm.rs.lockedRound, -1);
  });
});
