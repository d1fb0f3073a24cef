// Step transitions of CometBFT's consensus/state.go (enterNewRound … enterCommit), each guarded so
// that it runs at most once per (height, round, step) and never moves backwards. Own votes and
// proposals are queued and handled after the current transition, as CometBFT's internal queue does.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { BlockID, Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import { zeroBlockId } from "../../types/block.js";
import {
  SIGNED_MSG_TYPE_PRECOMMIT,
  SIGNED_MSG_TYPE_PREVOTE,
  SIGNED_MSG_TYPE_PROPOSAL,
} from "../../types/vote.js";
import { blockIdKey, type Signer } from "./messages.js";
import type { RoundState } from "./round-state.js";
import { isProposalComplete, lastCommitOf, precommitFor, prevoteFor, voteTime } from "./rules.js";
import { precommitTimeout, prevoteTimeout, proposeTimeout, type TimeoutConfig } from "./timeouts.js";
import { type ConsensusAction, RoundStep } from "./types.js";

/** What the transitions need from the machine that runs them. */
export interface Machine {
  readonly chainId: string;
  readonly config: TimeoutConfig;
  readonly signer?: Signer;
  readonly rs: RoundState;
  /** The driver's clock for the input being handled (timestamps of what we sign). */
  readonly now: Timestamp;
  emit(action: ConsensusAction): void;
  enqueue(message: { type: "vote"; vote: Vote } | { type: "proposal"; proposal: Proposal }): void;
}

/** Once a block is being committed, no round of this height may start or vote again. */
const stale = (rs: RoundState, height: bigint, round: number): boolean =>
  rs.height !== height || round < rs.round || rs.step === RoundStep.Commit;

function schedule(m: Machine, durationMs: number, round: number, step: RoundStep): void {
  m.emit({ type: "scheduleTimeout", height: m.rs.height, round, step, durationMs });
}

/** Asks the driver for a block's content, once per block. */
export function requestBlock(m: Machine, blockId: BlockID): void {
  const key = blockIdKey(blockId);
  if (key === "" || m.rs.blocks.has(key) || m.rs.requestedBlocks.has(key)) return;
  m.rs.requestedBlocks.add(key);
  m.emit({ type: "needBlock", height: m.rs.height, blockId });
}

/** StartRound (line 11). Round skips carry the proposer priorities forward by the rounds skipped. */
export function enterNewRound(m: Machine, height: bigint, round: number): void {
  const rs = m.rs;
  if (stale(rs, height, round) || (rs.round === round && rs.step !== RoundStep.NewHeight)) return;
  if (rs.round < round) rs.validators = rs.validators.incremented(round - rs.round);
  rs.round = round;
  rs.step = RoundStep.NewRound;
  if (round !== 0) rs.proposal = undefined; // a round-0 proposal may have come during NewHeight
  rs.votes.setRound(round + 1);
  rs.triggeredTimeoutPrecommit = false;
  const pending = rs.futureProposals.get(round);
  for (const r of [...rs.futureProposals.keys()]) if (r <= round) rs.futureProposals.delete(r);
  enterPropose(m, height, round);
  if (pending !== undefined) m.enqueue({ type: "proposal", proposal: pending });
}

function enterPropose(m: Machine, height: bigint, round: number): void {
  const rs = m.rs;
  if (stale(rs, height, round) || (rs.round === round && RoundStep.Propose <= rs.step)) return;
  rs.round = round;
  rs.step = RoundStep.Propose;
  schedule(m, proposeTimeout(m.config, round), round, RoundStep.Propose);
  const signer = m.signer;
  if (
    signer !== undefined &&
    Buffer.from(rs.validators.proposer.address).equals(Buffer.from(signer.address))
  ) {
    decideProposal(m, height, round);
  }
  if (isProposalComplete(rs)) enterPrevote(m, height, rs.round);
}

/** Lines 14–19: re-propose the valid block with its POL round, else ask the driver for a new block. */
function decideProposal(m: Machine, height: bigint, round: number): void {
  const rs = m.rs;
  if (rs.validBlock !== undefined) {
    signProposal(m, height, round, rs.validBlock.blockId, rs.validRound);
    return;
  }
  rs.awaitingBlockRound = round;
  m.emit({ type: "createBlock", height, round, lastCommit: lastCommitOf(rs) });
}

export function signProposal(
  m: Machine,
  height: bigint,
  round: number,
  blockId: BlockID,
  polRound: number,
): void {
  if (m.signer === undefined) return;
  const proposal: Proposal = {
    type: SIGNED_MSG_TYPE_PROPOSAL,
    height,
    round,
    polRound,
    blockId,
    timestamp: m.now,
    signature: new Uint8Array(0),
  };
  const signature = m.signer.signProposal(m.chainId, proposal);
  if (signature === undefined) return;
  const signed = { ...proposal, signature };
  m.emit({ type: "broadcastProposal", proposal: signed });
  m.enqueue({ type: "proposal", proposal: signed });
}

function signVote(m: Machine, type: number, blockId: BlockID | undefined): void {
  const rs = m.rs;
  if (m.signer === undefined) return;
  const index = rs.validators.indexOf(m.signer.address);
  if (index < 0) return;
  const vote: Vote = {
    type,
    height: rs.height,
    round: rs.round,
    blockId: blockId ?? zeroBlockId(),
    timestamp: voteTime(rs, m.now),
    validatorAddress: m.signer.address,
    validatorIndex: index,
    signature: new Uint8Array(0),
    extension: new Uint8Array(0),
    extensionSignature: new Uint8Array(0),
  };
  const signature = m.signer.signVote(m.chainId, vote);
  if (signature === undefined) return;
  const signed = { ...vote, signature };
  m.emit({ type: "broadcastVote", vote: signed });
  m.enqueue({ type: "vote", vote: signed });
}

/** On a complete proposal or timeout_propose (lines 22–32, 57–60). */
export function enterPrevote(m: Machine, height: bigint, round: number): void {
  const rs = m.rs;
  if (stale(rs, height, round) || (rs.round === round && RoundStep.Prevote <= rs.step)) return;
  rs.round = round;
  rs.step = RoundStep.Prevote;
  signVote(m, SIGNED_MSG_TYPE_PREVOTE, prevoteFor(rs));
}

/** +2/3 of any prevotes (line 34): wait timeout_prevote for a majority. */
export function enterPrevoteWait(m: Machine, height: bigint, round: number): void {
  const rs = m.rs;
  if (stale(rs, height, round) || (rs.round === round && RoundStep.PrevoteWait <= rs.step)) return;
  if (!rs.votes.prevotes(round)?.hasTwoThirdsAny()) return;
  rs.round = round;
  rs.step = RoundStep.PrevoteWait;
  schedule(m, prevoteTimeout(m.config, round), round, RoundStep.PrevoteWait);
}

/** Lines 36–46 and 61–64: lock and precommit a block with +2/3 prevotes, else precommit nil. */
export function enterPrecommit(m: Machine, height: bigint, round: number): void {
  const rs = m.rs;
  if (stale(rs, height, round) || (rs.round === round && RoundStep.Precommit <= rs.step)) return;
  rs.round = round;
  rs.step = RoundStep.Precommit;
  const maj = rs.votes.prevotes(round)?.twoThirdsMajority();
  const block = precommitFor(rs, maj);
  if (block === undefined) {
    if (maj !== undefined) requestBlock(m, maj); // a polka for a block we lack: fetch it
    signVote(m, SIGNED_MSG_TYPE_PRECOMMIT, undefined);
    return;
  }
  rs.lockedRound = round;
  rs.lockedBlock = block;
  if (rs.validRound < round) {
    rs.validRound = round;
    rs.validBlock = block;
  }
  signVote(m, SIGNED_MSG_TYPE_PRECOMMIT, block.blockId);
}

/** +2/3 of any precommits (line 47): wait timeout_precommit, then the next round. */
export function enterPrecommitWait(m: Machine, height: bigint, round: number): void {
  const rs = m.rs;
  if (stale(rs, height, round) || (rs.round === round && rs.triggeredTimeoutPrecommit)) return;
  if (!rs.votes.precommits(round)?.hasTwoThirdsAny()) return;
  rs.triggeredTimeoutPrecommit = true;
  schedule(m, precommitTimeout(m.config, round), round, RoundStep.PrecommitWait);
}

/** +2/3 precommits for a block in any round (line 49): commit it once its content is in. */
export function enterCommit(m: Machine, height: bigint, commitRound: number): void {
  const rs = m.rs;
  if (rs.height !== height || RoundStep.Commit <= rs.step) return;
  const maj = rs.votes.precommits(commitRound)?.twoThirdsMajority();
  if (maj === undefined || blockIdKey(maj) === "") return;
  rs.step = RoundStep.Commit;
  rs.commitRound = commitRound;
  requestBlock(m, maj);
  tryFinalizeCommit(m);
}

/**
 * Decide once the committed block's content is here. A +2/3 commit is final whatever this node's
 * own checks said of the block (ABCI++: FinalizeBlock runs decided blocks even if ProcessProposal
 * rejected them here); with ≤ 1/3 faulty power an invalid block cannot gather +2/3 precommits.
 */
export function tryFinalizeCommit(m: Machine): void {
  const rs = m.rs;
  if (rs.step !== RoundStep.Commit || rs.decided) return;
  const precommits = rs.votes.precommits(rs.commitRound);
  const maj = precommits?.twoThirdsMajority();
  if (precommits === undefined || maj === undefined || !rs.blocks.has(blockIdKey(maj))) return;
  rs.decided = true;
  m.emit({
    type: "decide",
    height: rs.height,
    round: rs.commitRound,
    blockId: maj,
    commit: precommits.makeCommit(),
  });
}
