// The paper's predicates, as pure functions of the round state ("The latest gossip on BFT
// consensus", Algorithm 1; line numbers below). CometBFT v1 follows the same rules; v0.38 also
// unlocked on a later polka, which the paper shows is unnecessary — locks here are never released
// within a height, only overridden by a proposal whose POL round is at least the locked round.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { BlockID, Commit } from "cosmjs-types/tendermint/types/types";
import { emptyCommit, nanosToTimestamp, timestampToNanos } from "../block-builder.js";
import { blockIdKey } from "./messages.js";
import type { RoundState } from "./round-state.js";
import type { CompleteBlock } from "./types.js";

const sameBlock = (a: { blockId: BlockID } | undefined, b: BlockID): boolean =>
  a !== undefined && blockIdKey(a.blockId) === blockIdKey(b);

/** The complete block the current proposal carries, if its content is in. */
export function proposalBlock(rs: RoundState): CompleteBlock | undefined {
  return rs.proposal === undefined ? undefined : rs.blocks.get(blockIdKey(rs.proposal.blockId));
}

/**
 * isProposalComplete: the proposal and its block are in and, if it names a POL round, +2/3
 * prevotes of that round are in too (lines 22 and 28 can then be evaluated).
 */
export function isProposalComplete(rs: RoundState): boolean {
  const p = rs.proposal;
  if (p === undefined || proposalBlock(rs) === undefined) return false;
  if (p.polRound < 0) return true;
  return rs.votes.prevotes(p.polRound)?.hasTwoThirdsMajority() ?? false;
}

/** What to prevote on entering the prevote step: a block ID, or undefined for nil (lines 22–32). */
export function prevoteFor(rs: RoundState): BlockID | undefined {
  const p = rs.proposal;
  const block = proposalBlock(rs);
  if (p === undefined || block === undefined || !block.valid) return undefined;
  if (p.polRound === -1) {
    // line 23: valid(v) ∧ (lockedRound = −1 ∨ lockedValue = v)
    return rs.lockedRound === -1 || sameBlock(rs.lockedBlock, block.blockId) ? block.blockId : undefined;
  }
  // line 28–29: a POL for v in vr < round_p, and (lockedRound ≤ vr ∨ lockedValue = v)
  const pol = rs.votes.prevotes(p.polRound)?.twoThirdsMajority();
  if (pol === undefined || blockIdKey(pol) !== blockIdKey(block.blockId) || p.polRound >= rs.round)
    return undefined;
  return rs.lockedRound <= p.polRound || sameBlock(rs.lockedBlock, block.blockId) ? block.blockId : undefined;
}

/**
 * On +2/3 prevotes for `maj` in the current round (line 36): the block to lock and precommit, or
 * undefined (nil) when the polka is for nil or for a block we lack or find invalid.
 */
export function precommitFor(rs: RoundState, maj: BlockID | undefined): CompleteBlock | undefined {
  if (maj === undefined || blockIdKey(maj) === "") return undefined;
  if (sameBlock(rs.lockedBlock, maj)) return rs.lockedBlock;
  const block = rs.blocks.get(blockIdKey(maj));
  return block?.valid ? block : undefined;
}

/**
 * voteTime (BFT time): never earlier than the locked block's time, else the proposal block's, plus
 * 1 ms, so every precommit in a commit is later than the block it commits.
 */
export function voteTime(rs: RoundState, now: Timestamp): Timestamp {
  const base = rs.lockedBlock ?? proposalBlock(rs);
  if (base === undefined) return now;
  const min = timestampToNanos(base.time) + 1_000_000n;
  return timestampToNanos(now) >= min ? now : nanosToTimestamp(min);
}

/** The commit a new block carries as last_commit: our own +2/3 precommits, else the stored one. */
export function lastCommitOf(rs: RoundState): Commit {
  if (rs.lastPrecommits?.hasTwoThirdsMajority()) return rs.lastPrecommits.makeCommit();
  return rs.lastCommit ?? emptyCommit();
}
