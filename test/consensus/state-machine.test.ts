// The consensus core driven by hand: input checks (forged or malformed messages change nothing),
// equivocation evidence, round skipping, timeouts, and the commits it produces.
import assert from "node:assert/strict";
import type { Vote } from "cosmjs-types/tendermint/types/types";
import { keySigner } from "../../node/consensus/bft/messages.js";
import { lastCommitOf } from "../../node/consensus/bft/rules.js";
import { RoundStep } from "../../node/consensus/bft/types.js";
import { BLOCK_ID_FLAG_ABSENT, BLOCK_ID_FLAG_COMMIT, BLOCK_ID_FLAG_NIL } from "../../node/types/block.js";
import { verifyCommit } from "../../node/types/validation.js";
import { signVote } from "../../node/types/vote.js";
import {
  block,
  CHAIN_ID,
  Driver,
  keys,
  me,
  others,
  PRECOMMIT,
  PREVOTE,
  proposal,
  proposerOf,
  validators,
  vote,
} from "./helpers.js";

const A = block("A");
const B = block("B");
const [p0, p1, p2] = others as [(typeof keys)[0], (typeof keys)[0], (typeof keys)[0]];
const idx = (k: (typeof keys)[0]) => validators.indexOf(k.address);

describe("consensus core: inputs", () => {
  it("rejects forged and malformed votes, changing nothing", () => {
    const d = new Driver().start();
    const good = vote(p0, PREVOTE, 0, A.blockId);
    const forged: [string, Vote][] = [
      ["signed by another key", { ...good, signature: signVote(CHAIN_ID, good, p1) }],
      ["block changed after signing", { ...good, blockId: B.blockId }],
      ["timestamp changed after signing", { ...good, timestamp: { ...good.timestamp, nanos: 1 } }],
      ["round changed after signing", { ...good, round: 1 }],
      ["signed for another chain", vote(p0, PREVOTE, 0, A.blockId, 1n, "other-chain")],
      ["index of another validator", { ...good, validatorIndex: idx(p1) }],
      ["index out of range", { ...good, validatorIndex: 4 }],
      ["oversized signature", { ...good, signature: new Uint8Array(65) }],
      ["vote extension", { ...good, extension: Uint8Array.of(1) }],
      ["proposal type", { ...good, type: 32 }],
      ["zero height", { ...good, height: 0n }],
      [
        "incomplete block ID",
        { ...good, blockId: { ...A.blockId, partSetHeader: { total: 0, hash: A.blockId.hash } } },
      ],
    ];
    const before = d.actions.length;
    for (const [what, v] of forged) {
      const r = d.feed({ type: "vote", vote: v });
      assert.equal(r.status, "rejected", what);
      assert.deepEqual(r.actions, [], what);
    }
    assert.equal(d.sm.rs.votes.prevotes(0)!.votedPower, 0n);
    assert.equal(d.actions.length, before);
    assert.equal(d.feed({ type: "vote", vote: good }).status, "accepted");
    assert.equal(d.sm.rs.votes.prevotes(0)!.votedPower, 10n);
  });

  it("rejects proposals not signed by the round's proposer or malformed", () => {
    const d = new Driver().start();
    const good = proposal(proposerOf(0), 0, A.blockId);
    assert.equal(
      d.feed({ type: "proposal", proposal: proposal(proposerOf(1), 0, A.blockId) }).status,
      "rejected",
    );
    assert.equal(d.feed({ type: "proposal", proposal: { ...good, blockId: B.blockId } }).status, "rejected");
    assert.equal(d.feed({ type: "proposal", proposal: { ...good, polRound: 0 } }).status, "rejected");
    const huge = { ...A.blockId, partSetHeader: { ...A.blockId.partSetHeader, total: 1000 } };
    const tooManyParts = proposal(proposerOf(0), 0, huge);
    assert.equal(
      d.feed({ type: "proposal", proposal: tooManyParts }).reason,
      "proposal has too many block parts",
    );
    assert.equal(d.sm.rs.proposal, undefined);
    assert.equal(d.feed({ type: "proposal", proposal: good }).status, "accepted");
    assert.deepEqual(d.of("needBlock"), [{ type: "needBlock", height: 1n, blockId: A.blockId }]);
    assert.equal(d.feed({ type: "proposal", proposal: good }).status, "ignored");
    assert.equal(d.of("needBlock").length, 1, "a block is asked for once");
  });

  it("reports a validator's two different votes as evidence and counts only the first", () => {
    const d = new Driver().start();
    const first = vote(p0, PREVOTE, 0, A.blockId);
    const second = vote(p0, PREVOTE, 0, B.blockId);
    d.feed({ type: "vote", vote: first });
    assert.equal(d.feed({ type: "vote", vote: first }).reason, "duplicate vote");
    const r = d.feed({ type: "vote", vote: second });
    assert.equal(r.status, "ignored");
    assert.deepEqual(r.actions, [{ type: "duplicateVote", voteA: first, voteB: second }]);
    assert.equal(d.sm.rs.votes.prevotes(0)!.votedPower, 10n);
  });

  it("counts an equivocator's other vote once a peer claims +2/3 for its block", () => {
    const d = new Driver().start();
    d.votes(PRECOMMIT, 0, undefined, [p0]); // p0 also precommitted A, which we saw second
    d.votes(PRECOMMIT, 0, A.blockId, [p1, p2]);
    d.feed({ type: "blockComplete", height: 1n, block: A });
    assert.equal(d.of("decide").length, 0);
    const twin = vote(p0, PRECOMMIT, 0, A.blockId);
    assert.equal(d.feed({ type: "vote", vote: twin }).reason, "conflicting vote");
    d.feed({ type: "peerMaj23", peer: "x", height: 1n, round: 0, voteType: PRECOMMIT, blockId: A.blockId });
    d.feed({ type: "vote", vote: twin });
    const [decide] = d.of("decide");
    assert.ok(decide);
    assert.ok(verifyCommit(CHAIN_ID, validators.validators, A.blockId, 1n, decide.commit).ok);
  });

  it("ignores stale timeouts and inputs before the first height", () => {
    const d = new Driver();
    assert.equal(d.feed({ type: "vote", vote: vote(p0, PREVOTE, 0, A.blockId) }).status, "ignored");
    d.start();
    assert.equal(
      d.feed({ type: "timeout", height: 1n, round: 0, step: RoundStep.NewHeight }).status,
      "ignored",
    );
    assert.equal(
      d.feed({ type: "timeout", height: 2n, round: 0, step: RoundStep.Propose }).status,
      "ignored",
    );
  });

  it("keeps the double-sign guard: the signer never signs a second, different vote for a step", () => {
    const signer = keySigner(me);
    const v = vote(me, PREVOTE, 0, A.blockId);
    assert.ok(signer.signVote(CHAIN_ID, v));
    assert.deepEqual(signer.signVote(CHAIN_ID, v), signer.signVote(CHAIN_ID, v));
    assert.equal(signer.signVote(CHAIN_ID, { ...v, blockId: B.blockId }), undefined);
    assert.ok(signer.signVote(CHAIN_ID, vote(me, PRECOMMIT, 0, A.blockId)));
    assert.equal(signer.signVote(CHAIN_ID, vote(me, PREVOTE, 0, A.blockId)), undefined, "no going back");
  });
});

describe("consensus core: rounds and timeouts", () => {
  it("timeouts grow with the round", () => {
    const d = new Driver({
      timeouts: { propose: 3000, proposeDelta: 500, precommit: 1000, precommitDelta: 250 },
    });
    d.start();
    d.feed({ type: "timeout", height: 1n, round: 0, step: RoundStep.Propose });
    d.votes(PRECOMMIT, 0, undefined, [p0, p1, p2]);
    d.feed({ type: "timeout", height: 1n, round: 0, step: RoundStep.PrecommitWait });
    const t = d.of("scheduleTimeout").map((a) => [a.round, a.step, a.durationMs]);
    assert.deepEqual(t, [
      [0, RoundStep.NewHeight, 1000],
      [0, RoundStep.Propose, 3000],
      [0, RoundStep.PrecommitWait, 1000],
      [1, RoundStep.Propose, 3500],
    ]);
    assert.deepEqual(d.sent({}), ["0:prevote:nil", "0:precommit:nil"]);
  });

  it("skips to a later round once more than 1/3 of the power is there (f+1)", () => {
    const d = new Driver().start();
    d.votes(PREVOTE, 5, A.blockId, [p0]);
    assert.equal(d.sm.rs.round, 0, "1/4 of the power is not enough");
    d.votes(PRECOMMIT, 5, undefined, [p1]);
    assert.equal(d.sm.rs.round, 5);
    assert.equal(d.sm.rs.step, RoundStep.Propose);
  });

  it("takes a proposal for a later round and uses it on reaching that round", () => {
    const d = new Driver().start();
    assert.equal(
      d.feed({ type: "proposal", proposal: proposal(proposerOf(2), 2, A.blockId) }).status,
      "accepted",
    );
    d.feed({ type: "blockComplete", height: 1n, block: A });
    d.votes(PREVOTE, 2, undefined, [p0, p1]); // f+1 in round 2
    assert.equal(d.sm.rs.round, 2);
    assert.deepEqual(d.sent({ A }), ["2:prevote:A"]);
  });
});

describe("consensus core: decisions and commits", () => {
  /** Round 0: A proposed, polka, we precommit A; p2's precommit is `last` (or none); p0, p1 precommit A. */
  function decideA(last: "nil" | "B" | "none", d = new Driver()) {
    d.start();
    d.propose(0, A);
    d.votes(PREVOTE, 0, A.blockId, [p0, p1]);
    if (last !== "none") d.votes(PRECOMMIT, 0, last === "nil" ? undefined : B.blockId, [p2]);
    d.votes(PRECOMMIT, 0, A.blockId, [p0]);
    assert.equal(d.of("decide").length, 0, "2/4 for A is not +2/3");
    d.votes(PRECOMMIT, 0, A.blockId, [p1]);
    const decisions = d.of("decide");
    assert.equal(decisions.length, 1);
    return { d, decision: decisions[0]! };
  }

  for (const [last, flag] of [
    ["nil", BLOCK_ID_FLAG_NIL],
    ["B", BLOCK_ID_FLAG_ABSENT],
    ["none", BLOCK_ID_FLAG_ABSENT],
  ] as const) {
    it(`decides with a Commit in validator order that verifyCommit accepts (p2: ${last})`, () => {
      const { d, decision } = decideA(last);
      assert.equal(decision.height, 1n);
      assert.equal(decision.round, 0);
      assert.deepEqual(decision.blockId, A.blockId);
      const flags = decision.commit.signatures.map((s) => s.blockIdFlag);
      const want = validators.validators.map((_, i) => (i === idx(p2) ? flag : BLOCK_ID_FLAG_COMMIT));
      assert.deepEqual(flags, want);
      decision.commit.signatures.forEach((s, i) => {
        if (s.blockIdFlag !== BLOCK_ID_FLAG_ABSENT)
          assert.deepEqual(s.validatorAddress, keys.find((k) => idx(k) === i)!.address);
      });
      assert.deepEqual(verifyCommit(CHAIN_ID, validators.validators, A.blockId, 1n, decision.commit), {
        ok: true,
      });
      assert.equal(d.sm.rs.step, RoundStep.Commit);
      assert.equal(
        d.feed({ type: "proposal", proposal: proposal(proposerOf(1), 1, B.blockId) }).status,
        "ignored",
      );
    });
  }

  it("never signs a vote earlier than the block's time + 1 ms (BFT time)", () => {
    const d = new Driver().start();
    const future = {
      ...block("future"),
      time: { seconds: BigInt(Math.floor(d.clock / 1000) + 60), nanos: 0 },
    };
    d.propose(0, future);
    const [prevote] = d.of("broadcastVote");
    assert.deepEqual(prevote?.vote.timestamp, { seconds: future.time.seconds, nanos: 1_000_000 });
  });

  it("waits for the committed block's content before deciding", () => {
    const d = new Driver().start();
    d.votes(PRECOMMIT, 0, A.blockId, [p0, p1, p2]);
    assert.equal(d.sm.rs.step, RoundStep.Commit);
    assert.deepEqual(d.of("needBlock"), [{ type: "needBlock", height: 1n, blockId: A.blockId }]);
    assert.equal(d.of("decide").length, 0);
    d.feed({ type: "blockComplete", height: 1n, block: A });
    assert.equal(d.of("decide").length, 1);
  });

  it("adds a late precommit to the next block's last_commit while waiting timeout_commit", () => {
    const { d } = decideA("none");
    const next = validators.incremented(1);
    d.feed({ type: "startHeight", height: 2n, validators: next });
    assert.equal(lastCommitOf(d.sm.rs).signatures[idx(p2)]!.blockIdFlag, BLOCK_ID_FLAG_ABSENT);
    assert.equal(d.feed({ type: "vote", vote: vote(p2, PRECOMMIT, 0, A.blockId) }).status, "accepted");
    const lastCommit = lastCommitOf(d.sm.rs);
    assert.ok(lastCommit.signatures.every((s) => s.blockIdFlag === BLOCK_ID_FLAG_COMMIT));
    assert.ok(verifyCommit(CHAIN_ID, validators.validators, A.blockId, 1n, lastCommit).ok);
    // Once round 0 has begun, late precommits are no longer taken.
    d.feed({ type: "timeout", height: 2n, round: 0, step: RoundStep.NewHeight });
    assert.equal(d.feed({ type: "vote", vote: vote(p2, PRECOMMIT, 0, A.blockId) }).status, "ignored");
  });

  it("with skip_timeout_commit, starts the next height as soon as every precommit is in", () => {
    const { d } = decideA("none", new Driver({ timeouts: { skipTimeoutCommit: true } }));
    d.feed({ type: "startHeight", height: 2n, validators: validators.incremented(1) });
    assert.equal(d.sm.rs.step, RoundStep.NewHeight);
    d.feed({ type: "vote", vote: vote(p2, PRECOMMIT, 0, A.blockId) });
    assert.ok(d.sm.rs.step >= RoundStep.Propose);
  });

  it("follows and decides without a signer (non-validator), broadcasting nothing", () => {
    const d = new Driver({ signer: null }).start();
    d.propose(0, A);
    d.votes(PREVOTE, 0, A.blockId, [p0, p1, p2]);
    d.votes(PRECOMMIT, 0, A.blockId, [p0, p1, p2]);
    assert.equal(d.of("decide").length, 1);
    assert.deepEqual(d.sent({ A }), []);
    assert.equal(d.of("broadcastProposal").length, 0);
  });

  it("as proposer: asks for a block with the last commit, then signs one proposal", () => {
    const d = new Driver({ signer: proposerOf(0) }).start();
    const [create] = d.of("createBlock");
    assert.deepEqual(create, { type: "createBlock", height: 1n, round: 0, lastCommit: create?.lastCommit });
    assert.equal(create!.lastCommit.signatures.length, 0, "empty commit at the first height");
    const answer = { type: "proposalBlock", height: 1n, round: 0, blockId: A.blockId, time: A.time } as const;
    assert.equal(d.feed(answer).status, "accepted");
    assert.equal(d.feed(answer).status, "ignored", "never a second proposal for the round");
    const [p] = d.of("broadcastProposal");
    assert.deepEqual(p?.proposal.blockId, A.blockId);
    assert.equal(p?.proposal.polRound, -1);
    assert.deepEqual(d.sent({ A }), ["0:prevote:A"]);
  });
});
