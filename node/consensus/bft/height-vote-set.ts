// All prevotes and precommits of one height, by round (CometBFT consensus/types/height_vote_set.go).
// Rounds up to current+1 are always tracked. Votes from further ahead are what lets a lagging node
// skip rounds, but a faulty validator could sign votes for endless rounds: each validator may hold
// votes in at most MAX_CATCHUP_ROUNDS rounds beyond current+1 (CometBFT bounds this per peer).
import type { BlockID, Vote } from "cosmjs-types/tendermint/types/types";
import { SIGNED_MSG_TYPE_PRECOMMIT, SIGNED_MSG_TYPE_PREVOTE } from "../../types/vote.js";
import type { ValidatorSet } from "./validator-set.js";
import { type AddVoteOutcome, VoteSet } from "./vote-set.js";

export const MAX_CATCHUP_ROUNDS = 2;

interface RoundVotes {
  prevotes: VoteSet;
  precommits: VoteSet;
}

export class HeightVoteSet {
  private readonly rounds = new Map<number, RoundVotes>();
  /** Rounds are tracked without limit up to here (current round + 1). */
  private trackedRound = -1;

  constructor(
    readonly chainId: string,
    readonly height: bigint,
    readonly validators: ValidatorSet,
  ) {
    this.setRound(1);
  }

  /** Track every round up to `round` (call with current round + 1). */
  setRound(round: number): void {
    for (let r = this.trackedRound + 1; r <= round; r++) this.ensure(r);
    if (round > this.trackedRound) this.trackedRound = round;
  }

  private make(round: number): RoundVotes {
    const set = (type: number) => new VoteSet(this.chainId, this.height, round, type, this.validators);
    return { prevotes: set(SIGNED_MSG_TYPE_PREVOTE), precommits: set(SIGNED_MSG_TYPE_PRECOMMIT) };
  }

  private ensure(round: number): RoundVotes {
    let rv = this.rounds.get(round);
    if (rv === undefined) {
      rv = this.make(round);
      this.rounds.set(round, rv);
    }
    return rv;
  }

  addVote(vote: Vote): AddVoteOutcome {
    if (vote.height !== this.height) return { kind: "ignored", reason: "vote for another height" };
    const pick = (rv: RoundVotes) => (vote.type === SIGNED_MSG_TYPE_PREVOTE ? rv.prevotes : rv.precommits);
    const rv = this.rounds.get(vote.round);
    if (rv !== undefined) return pick(rv).addVote(vote);
    if (vote.round <= this.trackedRound) return pick(this.ensure(vote.round)).addVote(vote);
    if (this.catchupRounds(vote.validatorIndex) >= MAX_CATCHUP_ROUNDS) {
      return { kind: "ignored", reason: "too many rounds ahead from this validator" };
    }
    // A round far ahead is only kept once a verified vote is in it (forgeries create nothing).
    const fresh = this.make(vote.round);
    const outcome = pick(fresh).addVote(vote);
    if (outcome.kind === "added") this.rounds.set(vote.round, fresh);
    return outcome;
  }

  /** Rounds beyond the tracked one in which this validator already has a vote. */
  private catchupRounds(index: number): number {
    let n = 0;
    for (const [round, rv] of this.rounds) {
      if (round > this.trackedRound && (rv.prevotes.get(index) ?? rv.precommits.get(index)) !== undefined)
        n++;
    }
    return n;
  }

  /**
   * SetPeerMaj23: a peer says +2/3 voted blockId in (round, type); from now on conflicting votes for
   * it are tracked, so a node that counted an equivocator's other vote first can still see the
   * majority. Rounds not tracked yet are ignored (the peer will say it again).
   */
  setPeerMaj23(round: number, type: number, peerId: string, blockId: BlockID): string | undefined {
    if (type !== SIGNED_MSG_TYPE_PREVOTE && type !== SIGNED_MSG_TYPE_PRECOMMIT)
      return `invalid vote type ${type}`;
    const set = type === SIGNED_MSG_TYPE_PREVOTE ? this.prevotes(round) : this.precommits(round);
    return set?.setPeerMaj23(peerId, blockId);
  }

  prevotes(round: number): VoteSet | undefined {
    return this.rounds.get(round)?.prevotes;
  }

  precommits(round: number): VoteSet | undefined {
    return this.rounds.get(round)?.precommits;
  }

  /** Power of the validators with any vote (prevote or precommit) in `round`: the paper's f+1 test. */
  powerInRound(round: number): bigint {
    const rv = this.rounds.get(round);
    if (rv === undefined) return 0n;
    let power = 0n;
    for (const [i, v] of this.validators.validators.entries()) {
      if ((rv.prevotes.get(i) ?? rv.precommits.get(i)) !== undefined) power += v.votingPower;
    }
    return power;
  }
}
