// Everything the core knows about the height it is deciding (CometBFT cstypes.RoundState, with the
// paper's names in comments): plain data, changed only by the transitions.
import type { Commit, Proposal } from "cosmjs-types/tendermint/types/types";
import { HeightVoteSet } from "./height-vote-set.js";
import { type CompleteBlock, RoundStep } from "./types.js";
import type { ValidatorSet } from "./validator-set.js";
import type { VoteSet } from "./vote-set.js";

export interface RoundState {
  height: bigint;
  /** round_p */
  round: number;
  /** step_p (finer than the paper's three steps) */
  step: RoundStep;
  /** The set with priorities advanced to `round`: its proposer proposes this round. */
  validators: ValidatorSet;
  /** The proposal of the current round, signature checked against the round's proposer. */
  proposal?: Proposal;
  /** Signed proposals for later rounds, applied on entering their round (bounded window). */
  futureProposals: Map<number, Proposal>;
  /** Blocks of this height whose content is in and checked, by blockIdKey. */
  blocks: Map<string, CompleteBlock>;
  /** Blocks asked for with needBlock (once each). */
  requestedBlocks: Set<string>;
  /** lockedRound_p / lockedValue_p: set on precommitting a block; never cleared within the height. */
  lockedRound: number;
  lockedBlock?: CompleteBlock;
  /** validRound_p / validValue_p: the latest block seen with +2/3 prevotes; re-proposed with it as POL. */
  validRound: number;
  validBlock?: CompleteBlock;
  votes: HeightVoteSet;
  /** The round whose +2/3 precommits decided the block (-1 until the Commit step). */
  commitRound: number;
  /** The precommit wait of this round is scheduled (CometBFT does not give it its own step). */
  triggeredTimeoutPrecommit: boolean;
  /** The round whose createBlock answer is awaited (-1: none). */
  awaitingBlockRound: number;
  decided: boolean;
  /** Precommits that decided the previous height: late ones are still added while in NewHeight. */
  lastPrecommits?: VoteSet;
  /** The previous height's commit when its votes are not at hand (restart). */
  lastCommit?: Commit;
}

export function newRoundState(
  chainId: string,
  height: bigint,
  validators: ValidatorSet,
  last: { lastPrecommits?: VoteSet; lastCommit?: Commit },
): RoundState {
  return {
    height,
    round: 0,
    step: RoundStep.NewHeight,
    validators,
    futureProposals: new Map(),
    blocks: new Map(),
    requestedBlocks: new Set(),
    lockedRound: -1,
    validRound: -1,
    votes: new HeightVoteSet(chainId, height, validators),
    commitRound: -1,
    triggeredTimeoutPrecommit: false,
    awaitingBlockRound: -1,
    decided: false,
    ...last,
  };
}
