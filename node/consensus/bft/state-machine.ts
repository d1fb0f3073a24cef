// The Tendermint consensus core: deterministic and free of I/O. The driver calls handle(input, now)
// and carries out the returned actions (gossip, timers, block building, execution); everything the
// core decides depends only on the sequence of inputs. Not safe for re-entrant use: one input at a
// time, as CometBFT's receiveRoutine.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import { isCompleteBlockId, isZeroBlockId } from "../../types/block.js";
import { verifyEd25519 } from "../../types/ed25519.js";
import { BLOCK_PART_SIZE_BYTES } from "../../types/part-set.js";
import { assertValidTimestamp } from "../../types/time.js";
import { proposalSignBytes, SIGNED_MSG_TYPE_PRECOMMIT } from "../../types/vote.js";
import { blockIdKey, type Signer, validateProposal } from "./messages.js";
import { newRoundState, type RoundState } from "./round-state.js";
import { isProposalComplete } from "./rules.js";
import { type TimeoutConfig, timeoutConfig } from "./timeouts.js";
import {
  enterNewRound,
  enterPrecommit,
  enterPrevote,
  type Machine,
  requestBlock,
  signProposal,
  tryFinalizeCommit,
} from "./transitions.js";
import {
  type CompleteBlock,
  type ConsensusAction,
  type ConsensusInput,
  type HandleResult,
  RoundStep,
} from "./types.js";
import { ValidatorSet } from "./validator-set.js";
import { onVote } from "./vote-handling.js";

/** Proposals are kept for at most this many rounds ahead of the current one. */
export const FUTURE_PROPOSAL_ROUNDS = 10;

export interface StateMachineOptions {
  chainId: string;
  /** Absent: a non-validator that follows consensus without signing. */
  signer?: Signer;
  timeouts?: Partial<TimeoutConfig>;
  /** Consensus params block.max_bytes: bounds the part count a proposal may announce. */
  maxBlockBytes?: bigint;
}

/** CometBFT's default block.max_bytes (21 MiB). */
export const DEFAULT_MAX_BLOCK_BYTES = 22_020_096n;

type Outcome = Omit<HandleResult, "actions">;
const accepted: Outcome = { status: "accepted" };
const ignored = (reason: string): Outcome => ({ status: "ignored", reason });
const rejected = (reason: string): Outcome => ({ status: "rejected", reason });

function isTimestamp(ts: Timestamp): boolean {
  try {
    assertValidTimestamp(ts);
    return true;
  } catch {
    return false;
  }
}

type Queued = { type: "vote"; vote: Vote } | { type: "proposal"; proposal: Proposal };

export class ConsensusStateMachine implements Machine {
  readonly chainId: string;
  readonly config: TimeoutConfig;
  readonly signer?: Signer;
  private readonly maxBlockParts: number;
  private state?: RoundState;
  private clock: Timestamp = { seconds: 0n, nanos: 0 };
  private actions: ConsensusAction[] = [];
  private readonly queue: Queued[] = [];

  constructor(options: StateMachineOptions) {
    if (typeof options.chainId !== "string" || options.chainId.length === 0)
      throw new Error("chainId is required");
    this.chainId = options.chainId;
    this.config = timeoutConfig(options.timeouts);
    this.signer = options.signer;
    const maxBytes = options.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES;
    if (typeof maxBytes !== "bigint" || maxBytes <= 0n)
      throw new RangeError("maxBlockBytes must be a positive bigint");
    this.maxBlockParts = Number((maxBytes - 1n) / BigInt(BLOCK_PART_SIZE_BYTES) + 1n);
  }

  /** The round state (read-only use: metrics, RPC, tests). Throws before the first startHeight. */
  get rs(): RoundState {
    if (this.state === undefined) throw new Error("consensus has not started a height");
    return this.state;
  }

  get now(): Timestamp {
    return this.clock;
  }

  emit(action: ConsensusAction): void {
    this.actions.push(action);
  }

  enqueue(message: Queued): void {
    this.queue.push(message);
  }

  /**
   * Feeds one input; returns what became of it and every action it caused, in order. `now` is the
   * driver's clock: it only stamps what this node signs (throws if it is not a valid Timestamp).
   */
  handle(input: ConsensusInput, now: Timestamp): HandleResult {
    assertValidTimestamp(now);
    if (input === null || typeof input !== "object")
      return { ...rejected("input is not an object"), actions: [] };
    this.clock = now;
    this.actions = [];
    let outcome: Outcome;
    try {
      outcome = this.dispatch(input);
      // Our own messages, in the order signed; each may cause further steps.
      for (let msg = this.queue.shift(); msg !== undefined; msg = this.queue.shift()) {
        const own = msg.type === "vote" ? onVote(this, msg.vote) : this.onProposal(msg.proposal);
        if (own.status === "rejected") throw new Error(`own ${msg.type} rejected: ${own.reason}`);
      }
    } finally {
      this.queue.length = 0;
    }
    return { ...outcome, actions: this.actions };
  }

  private dispatch(input: ConsensusInput): Outcome {
    if (input.type === "startHeight") return this.onStartHeight(input);
    if (this.state === undefined) return ignored("no height started");
    switch (input.type) {
      case "proposal":
        return this.onProposal(input.proposal);
      case "vote":
        return onVote(this, input.vote);
      case "timeout":
        return this.onTimeout(input.height, input.round, input.step);
      case "proposalBlock":
        return this.onProposalBlock(input);
      case "blockComplete":
        return this.onBlockComplete(input.height, input.block);
      case "peerMaj23":
        return this.onPeerMaj23(input);
      default:
        return rejected("unknown input");
    }
  }

  private onStartHeight(input: Extract<ConsensusInput, { type: "startHeight" }>): Outcome {
    const prev = this.state;
    if (typeof input.height !== "bigint" || input.height <= 0n) return rejected("height must be positive");
    if (!(input.validators instanceof ValidatorSet)) return rejected("validators must be a ValidatorSet");
    if (prev !== undefined && input.height <= prev.height) return ignored("height already started");
    // Keep the precommits that decided the previous height: late ones still land in last_commit.
    const lastPrecommits =
      prev?.decided && input.height === prev.height + 1n
        ? prev.votes.precommits(prev.commitRound)
        : undefined;
    this.state = newRoundState(this.chainId, input.height, input.validators, {
      lastPrecommits,
      lastCommit: input.lastCommit,
    });
    if (this.config.skipTimeoutCommit && lastPrecommits?.hasAll()) enterNewRound(this, input.height, 0);
    else
      this.emit({
        type: "scheduleTimeout",
        height: input.height,
        round: 0,
        step: RoundStep.NewHeight,
        durationMs: this.config.commit,
      });
    return accepted;
  }

  /** defaultSetProposal, plus a bounded buffer for proposals of rounds not yet reached. */
  private onProposal(p: Proposal): Outcome {
    const invalid = validateProposal(p);
    if (invalid !== undefined) return rejected(invalid);
    const rs = this.rs;
    if (p.height !== rs.height) return ignored("proposal for another height");
    if (p.blockId.partSetHeader.total > this.maxBlockParts)
      return rejected("proposal has too many block parts");
    if (rs.step === RoundStep.Commit) return ignored("height already committing");
    if (p.round < rs.round) return ignored("proposal for an earlier round");
    const ahead = p.round - rs.round;
    if (ahead > FUTURE_PROPOSAL_ROUNDS) return ignored("proposal too far ahead");
    if (ahead > 0 ? rs.futureProposals.has(p.round) : rs.proposal !== undefined) {
      return ignored("already have a proposal for this round");
    }
    const proposer = ahead > 0 ? rs.validators.incremented(ahead).proposer : rs.validators.proposer;
    if (!verifyEd25519(proposer.pubKey, proposalSignBytes(this.chainId, p), p.signature)) {
      return rejected("invalid proposal signature (or not from the round's proposer)");
    }
    if (ahead > 0) {
      rs.futureProposals.set(p.round, p);
      return accepted;
    }
    rs.proposal = p;
    requestBlock(this, p.blockId);
    this.onCompleteProposal();
    return accepted;
  }

  /** The driver built the block this node asked for with createBlock: sign and send the proposal. */
  private onProposalBlock(input: Extract<ConsensusInput, { type: "proposalBlock" }>): Outcome {
    const rs = this.rs;
    if (!isCompleteBlockId(input.blockId)) return rejected("incomplete block ID");
    if (!isTimestamp(input.time)) return rejected("invalid block time");
    if (input.height !== rs.height || input.round !== rs.round || rs.awaitingBlockRound !== input.round) {
      return ignored("no block awaited for this height and round");
    }
    if (rs.step === RoundStep.Commit || rs.proposal !== undefined) return ignored("round moved on");
    rs.awaitingBlockRound = -1;
    rs.blocks.set(blockIdKey(input.blockId), { blockId: input.blockId, time: input.time, valid: true });
    signProposal(this, rs.height, rs.round, input.blockId, -1);
    return accepted;
  }

  private onBlockComplete(height: bigint, block: CompleteBlock): Outcome {
    const rs = this.rs;
    if (height !== rs.height) return ignored("block for another height");
    if (block === null || typeof block !== "object" || !isCompleteBlockId(block.blockId)) {
      return rejected("incomplete block ID");
    }
    if (!isTimestamp(block.time) || typeof block.valid !== "boolean") return rejected("malformed block");
    const key = blockIdKey(block.blockId);
    if (rs.blocks.has(key)) return ignored("block already known");
    rs.blocks.set(key, block);
    this.onCompleteProposal();
    return accepted;
  }

  /** handleCompleteProposal: a proposal or a block came in; whatever waited on it proceeds. */
  private onCompleteProposal(): void {
    const rs = this.rs;
    const maj = rs.votes.prevotes(rs.round)?.twoThirdsMajority();
    const polka = maj === undefined ? undefined : rs.blocks.get(blockIdKey(maj));
    if (polka?.valid && rs.validRound < rs.round) {
      rs.validRound = rs.round; // line 36/42: validValue ← v, validRound ← round_p
      rs.validBlock = polka;
    }
    if (rs.step <= RoundStep.Propose && isProposalComplete(rs)) {
      enterPrevote(this, rs.height, rs.round);
      if (maj !== undefined) enterPrecommit(this, rs.height, rs.round);
    } else if ((rs.step === RoundStep.Prevote || rs.step === RoundStep.PrevoteWait) && polka?.valid) {
      enterPrecommit(this, rs.height, rs.round); // line 36 "for the first time": the block was the missing piece
    } else if (rs.step === RoundStep.Commit) {
      tryFinalizeCommit(this);
    }
  }

  private onPeerMaj23(input: Extract<ConsensusInput, { type: "peerMaj23" }>): Outcome {
    const rs = this.rs;
    if (typeof input.peer !== "string" || !Number.isInteger(input.round) || input.round < 0) {
      return rejected("malformed +2/3 claim");
    }
    if (!isZeroBlockId(input.blockId) && !isCompleteBlockId(input.blockId))
      return rejected("malformed block ID");
    let error: string | undefined;
    if (input.height === rs.height) {
      error = rs.votes.setPeerMaj23(input.round, input.voteType, input.peer, input.blockId);
    } else if (
      // The previous height's precommits still matter while they can join last_commit.
      input.height + 1n === rs.height &&
      input.voteType === SIGNED_MSG_TYPE_PRECOMMIT &&
      input.round === rs.lastPrecommits?.round
    ) {
      error = rs.lastPrecommits.setPeerMaj23(input.peer, input.blockId);
    } else {
      return ignored("claim for another height or round");
    }
    return error === undefined ? accepted : rejected(error);
  }

  /** handleTimeout: only timeouts of the current height and not behind the current step count. */
  private onTimeout(height: bigint, round: number, step: RoundStep): Outcome {
    const rs = this.rs;
    if (!Number.isInteger(round) || round < 0 || !Number.isInteger(step))
      return rejected("malformed timeout");
    if (height !== rs.height || round < rs.round || (round === rs.round && step < rs.step)) {
      return ignored("stale timeout");
    }
    switch (step) {
      case RoundStep.NewHeight:
        enterNewRound(this, height, 0);
        break;
      case RoundStep.Propose:
        enterPrevote(this, height, round); // line 57: prevote nil unless the proposal came
        break;
      case RoundStep.PrevoteWait:
        enterPrecommit(this, height, round); // line 61: precommit nil unless a polka came
        break;
      case RoundStep.PrecommitWait:
        enterPrecommit(this, height, round);
        enterNewRound(this, height, round + 1); // line 65
        break;
      default:
        return rejected(`no timeout for step ${step}`);
    }
    return accepted;
  }
}
