// What a new vote sets in motion (CometBFT addVote, with the paper's f+1 round skip): polkas update
// the valid block and lead to precommit, +2/3 precommits lead to commit, and votes from a later
// round held by more than 1/3 of the power pull this node into that round.
import type { Vote } from "cosmjs-types/tendermint/types/types";
import { SIGNED_MSG_TYPE_PREVOTE } from "../../types/vote.js";
import { blockIdKey, validateVote } from "./messages.js";
import { isProposalComplete } from "./rules.js";
import {
  enterCommit,
  enterNewRound,
  enterPrecommit,
  enterPrecommitWait,
  enterPrevote,
  enterPrevoteWait,
  type Machine,
  requestBlock,
} from "./transitions.js";
import { type HandleResult, RoundStep } from "./types.js";
import type { AddVoteOutcome } from "./vote-set.js";

type Outcome = Omit<HandleResult, "actions">;

/** Maps a vote set's answer to a verdict, reporting equivocation (except our own). */
function settle(m: Machine, vote: Vote, out: AddVoteOutcome): Outcome | undefined {
  const own =
    m.signer !== undefined && Buffer.from(m.signer.address).equals(Buffer.from(vote.validatorAddress));
  switch (out.kind) {
    case "invalid":
      return { status: "rejected", reason: out.error };
    case "ignored":
      return { status: "ignored", reason: out.reason };
    case "duplicate":
      return { status: "ignored", reason: "duplicate vote" };
    case "conflicting":
      if (!own) m.emit({ type: "duplicateVote", voteA: out.existing, voteB: vote });
      return { status: "ignored", reason: "conflicting vote" };
    case "added":
      if (out.conflicting !== undefined && !own)
        m.emit({ type: "duplicateVote", voteA: out.conflicting, voteB: vote });
      return undefined;
  }
}

export function onVote(m: Machine, vote: Vote): Outcome {
  const invalid = validateVote(vote);
  if (invalid !== undefined) return { status: "rejected", reason: invalid };
  const rs = m.rs;
  const height = rs.height;
  // A late precommit for the block just decided: it still makes it into the next last_commit.
  if (vote.height + 1n === height && vote.type !== SIGNED_MSG_TYPE_PREVOTE) {
    if (rs.step !== RoundStep.NewHeight || rs.lastPrecommits === undefined) {
      return { status: "ignored", reason: "precommit for the previous height" };
    }
    const verdict = settle(m, vote, rs.lastPrecommits.addVote(vote));
    if (verdict !== undefined) return verdict;
    if (m.config.skipTimeoutCommit && rs.lastPrecommits.hasAll()) enterNewRound(m, height, 0);
    return { status: "accepted" };
  }
  if (vote.height !== height) return { status: "ignored", reason: "vote for another height" };
  const verdict = settle(m, vote, rs.votes.addVote(vote));
  if (verdict !== undefined) return verdict;

  const round = vote.round;
  // Line 55: f+1 (more than 1/3 of the power) already in a later round → join it.
  if (round > rs.round && rs.votes.powerInRound(round) * 3n > rs.validators.totalVotingPower) {
    enterNewRound(m, height, round);
  }
  if (vote.type === SIGNED_MSG_TYPE_PREVOTE) onPrevote(m, round);
  else onPrecommit(m, round);
  return { status: "accepted" };
}

function onPrevote(m: Machine, round: number): void {
  const rs = m.rs;
  const height = rs.height;
  const prevotes = rs.votes.prevotes(round)!;
  const maj = prevotes.twoThirdsMajority();
  const majBlock = maj === undefined ? undefined : rs.blocks.get(blockIdKey(maj));
  if (maj !== undefined && blockIdKey(maj) !== "" && rs.validRound < round && round === rs.round) {
    if (majBlock?.valid) {
      rs.validRound = round; // line 42
      rs.validBlock = majBlock;
    } else if (majBlock === undefined) {
      requestBlock(m, maj); // a polka for a block we lack: fetch it, it may become the valid block
    }
  }
  if (rs.round < round && prevotes.hasTwoThirdsAny()) {
    enterNewRound(m, height, round);
  } else if (rs.round === round && RoundStep.Prevote <= rs.step) {
    if (maj !== undefined && (blockIdKey(maj) === "" || majBlock?.valid || isProposalComplete(rs))) {
      enterPrecommit(m, height, round);
    } else if (prevotes.hasTwoThirdsAny()) {
      enterPrevoteWait(m, height, round); // line 34
    }
  } else if (rs.proposal !== undefined && rs.proposal.polRound >= 0 && rs.proposal.polRound === round) {
    // The POL the proposal named is now in: line 28 can be evaluated.
    if (isProposalComplete(rs)) enterPrevote(m, height, rs.round);
  }
}

function onPrecommit(m: Machine, round: number): void {
  const rs = m.rs;
  const height = rs.height;
  const precommits = rs.votes.precommits(round)!;
  const maj = precommits.twoThirdsMajority();
  if (maj !== undefined) {
    enterNewRound(m, height, round);
    enterPrecommit(m, height, round);
    if (blockIdKey(maj) !== "") enterCommit(m, height, round);
    else enterPrecommitWait(m, height, round);
  } else if (rs.round <= round && precommits.hasTwoThirdsAny()) {
    enterNewRound(m, height, round);
    enterPrecommitWait(m, height, round); // line 47
  }
}
