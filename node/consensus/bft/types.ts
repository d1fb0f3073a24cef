// The vocabulary of the consensus core: round steps, what drives it (inputs) and what it asks of
// its driver (actions). The core does no I/O: gossip, timers, block building and storage belong to
// the driver, which feeds results back in as inputs.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { BlockID, Commit, Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import type { ValidatorSet } from "./validator-set.js";

/** cstypes.RoundStepType, same numbers (they order steps within a round). */
export const RoundStep = {
  NewHeight: 1,
  NewRound: 2,
  Propose: 3,
  Prevote: 4,
  PrevoteWait: 5,
  Precommit: 6,
  PrecommitWait: 7,
  Commit: 8,
} as const;
export type RoundStep = (typeof RoundStep)[keyof typeof RoundStep];

/** A block of the current height whose parts are all in and that the driver has checked. */
export interface CompleteBlock {
  blockId: BlockID;
  /** Header time: votes are never earlier than it plus 1 ms (BFT time). */
  time: Timestamp;
  /** ValidateBlock + ProcessProposal accepted it. Invalid blocks are never prevoted or locked. */
  valid: boolean;
}

export type ConsensusInput =
  /** Begin `height` (after the previous decision was executed, or at start-up). */
  | { type: "startHeight"; height: bigint; validators: ValidatorSet; lastCommit?: Commit }
  | { type: "proposal"; proposal: Proposal }
  | { type: "vote"; vote: Vote }
  /** A peer claims +2/3 for blockId in (height, round, voteType) (CometBFT VoteSetMaj23Message). */
  | { type: "peerMaj23"; peer: string; height: bigint; round: number; voteType: number; blockId: BlockID }
  /** A timer set by a scheduleTimeout action has fired. */
  | { type: "timeout"; height: bigint; round: number; step: RoundStep }
  /** The answer to createBlock: the block this node built for (height, round). */
  | { type: "proposalBlock"; height: bigint; round: number; blockId: BlockID; time: Timestamp }
  /** The answer to needBlock (or any block of this height fully received and checked). */
  | { type: "blockComplete"; height: bigint; block: CompleteBlock };

export type ConsensusAction =
  | { type: "broadcastProposal"; proposal: Proposal }
  | { type: "broadcastVote"; vote: Vote }
  | { type: "scheduleTimeout"; height: bigint; round: number; step: RoundStep; durationMs: number }
  /** This node proposes in (height, round) and holds no valid block: build one on lastCommit. */
  | { type: "createBlock"; height: bigint; round: number; lastCommit: Commit }
  /** Consensus refers to a block it lacks: gather its parts, check it, answer with blockComplete. */
  | { type: "needBlock"; height: bigint; blockId: BlockID }
  /** +2/3 precommitted blockId in `round`: execute it and store it with `commit`. Final. */
  | { type: "decide"; height: bigint; round: number; blockId: BlockID; commit: Commit }
  /** One validator signed two different votes for the same height/round/type (evidence). */
  | { type: "duplicateVote"; voteA: Vote; voteB: Vote };

/**
 * What became of an input: accepted, ignored (stale, duplicate, not for us now: not the sender's
 * fault) or rejected (malformed or wrongly signed: the gossip layer should penalise the peer).
 */
export interface HandleResult {
  status: "accepted" | "ignored" | "rejected";
  reason?: string;
  actions: ConsensusAction[];
}
