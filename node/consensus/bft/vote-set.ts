// The votes of one (height, round, type), as CometBFT's types/vote_set.go keeps them: a validator's
// first vote counts; a second, different one is a conflict (evidence) and does not count, unless a
// peer has claimed +2/3 for that block (then it is tracked, and wins if that block reaches +2/3).
// Power is bigint; "+2/3" means strictly more than two thirds of the total: sum > total·2/3.
import type { BlockID, Commit, CommitSig, Vote } from "cosmjs-types/tendermint/types/types";
import { absentCommitSig, BLOCK_ID_FLAG_COMMIT, BLOCK_ID_FLAG_NIL } from "../../types/block.js";
import { SIGNED_MSG_TYPE_PRECOMMIT, verifyVoteSignature } from "../../types/vote.js";
import { blockIdKey } from "./messages.js";
import { compareAddresses } from "./proposer-priority.js";
import type { ValidatorSet } from "./validator-set.js";

export type AddVoteOutcome =
  /** Counted. `conflicting` is set when it conflicts with an earlier vote but was tracked anyway. */
  | { kind: "added"; conflicting?: Vote }
  | { kind: "duplicate" }
  /** A second, different vote of the same validator: not counted; the pair is evidence. */
  | { kind: "conflicting"; existing: Vote }
  | { kind: "invalid"; error: string }
  /** Not for this set now (another height, too far ahead): not the sender's fault. */
  | { kind: "ignored"; reason: string };

interface BlockVotes {
  blockId: BlockID;
  peerMaj23: boolean;
  votes: (Vote | undefined)[];
  sum: bigint;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

export class VoteSet {
  /** The vote that counts for each validator index. */
  private readonly votes: (Vote | undefined)[];
  private sum = 0n;
  private maj23?: BlockID;
  private readonly byBlock = new Map<string, BlockVotes>();
  private readonly peerMaj23s = new Map<string, string>();

  constructor(
    readonly chainId: string,
    readonly height: bigint,
    readonly round: number,
    readonly type: number,
    readonly validators: ValidatorSet,
  ) {
    this.votes = new Array(validators.size).fill(undefined);
  }

  /** Checks (step, index, address, signature) and adds a vote that passed validateVote. */
  addVote(vote: Vote): AddVoteOutcome {
    if (vote.height !== this.height || vote.round !== this.round || vote.type !== this.type) {
      return {
        kind: "invalid",
        error: `expected ${this.height}/${this.round}/${this.type}, got ${vote.height}/${vote.round}/${vote.type}`,
      };
    }
    const val = this.validators.getByIndex(vote.validatorIndex);
    if (val === undefined) {
      return {
        kind: "invalid",
        error: `no validator #${vote.validatorIndex} in a set of ${this.validators.size}`,
      };
    }
    if (compareAddresses(val.address, vote.validatorAddress) !== 0) {
      return { kind: "invalid", error: `validator address does not match validator #${vote.validatorIndex}` };
    }
    const key = blockIdKey(vote.blockId);
    const existing = this.voteFor(vote.validatorIndex, key);
    if (existing !== undefined) {
      if (sameBytes(existing.signature, vote.signature)) return { kind: "duplicate" };
      return { kind: "invalid", error: "non-deterministic signature for the same vote" };
    }
    if (!verifyVoteSignature(this.chainId, vote, val.pubKey, vote.signature)) {
      return { kind: "invalid", error: "invalid vote signature" };
    }
    return this.addVerified(vote, key, val.votingPower);
  }

  private voteFor(index: number, key: string): Vote | undefined {
    const counted = this.votes[index];
    if (counted !== undefined && blockIdKey(counted.blockId) === key) return counted;
    return this.byBlock.get(key)?.votes[index];
  }

  private addVerified(vote: Vote, key: string, power: bigint): AddVoteOutcome {
    const index = vote.validatorIndex;
    const prior = this.votes[index];
    if (prior === undefined) {
      this.votes[index] = vote;
      this.sum += power;
    } else if (this.maj23 !== undefined && blockIdKey(this.maj23) === key) {
      this.votes[index] = vote; // the conflicting vote is for the +2/3 block: it is the one that counts
    }
    let block = this.byBlock.get(key);
    if (block === undefined) {
      if (prior !== undefined) return { kind: "conflicting", existing: prior };
      block = { blockId: vote.blockId, peerMaj23: false, votes: new Array(this.votes.length), sum: 0n };
      this.byBlock.set(key, block);
    } else if (prior !== undefined && !block.peerMaj23) {
      return { kind: "conflicting", existing: prior };
    }
    const before = block.sum;
    block.votes[index] = vote;
    block.sum += power;
    const quorum = (this.validators.totalVotingPower * 2n) / 3n + 1n;
    if (before < quorum && quorum <= block.sum && this.maj23 === undefined) {
      this.maj23 = vote.blockId;
      // The votes for the +2/3 block become the ones that count.
      for (const [i, v] of block.votes.entries()) if (v !== undefined) this.votes[i] = v;
    }
    return prior === undefined ? { kind: "added" } : { kind: "added", conflicting: prior };
  }

  /**
   * SetPeerMaj23: a peer claims +2/3 for blockId, so conflicting votes for it are tracked from now
   * on. Returns an error if that peer already claimed a different block.
   */
  setPeerMaj23(peerId: string, blockId: BlockID): string | undefined {
    const key = blockIdKey(blockId);
    const claimed = this.peerMaj23s.get(peerId);
    if (claimed !== undefined)
      return claimed === key ? undefined : "conflicting +2/3 claim from the same peer";
    this.peerMaj23s.set(peerId, key);
    const block = this.byBlock.get(key);
    if (block !== undefined) block.peerMaj23 = true;
    else this.byBlock.set(key, { blockId, peerMaj23: true, votes: new Array(this.votes.length), sum: 0n });
    return undefined;
  }

  /** The block (or the zero BlockID, for nil) that more than 2/3 of the power voted for. */
  twoThirdsMajority(): BlockID | undefined {
    return this.maj23;
  }

  hasTwoThirdsMajority(): boolean {
    return this.maj23 !== undefined;
  }

  /** More than 2/3 of the power voted, for anything. */
  hasTwoThirdsAny(): boolean {
    return this.sum > (this.validators.totalVotingPower * 2n) / 3n;
  }

  hasAll(): boolean {
    return this.sum === this.validators.totalVotingPower;
  }

  get(index: number): Vote | undefined {
    return this.votes[index];
  }

  /** Power of the validators that have a counted vote here. */
  get votedPower(): bigint {
    return this.sum;
  }

  /**
   * MakeCommit: one CommitSig per validator in set order. COMMIT for a vote for the +2/3 block,
   * NIL (signed) for a nil vote, ABSENT for no vote or a vote for another block.
   */
  makeCommit(): Commit {
    if (this.type !== SIGNED_MSG_TYPE_PRECOMMIT) throw new Error("cannot make a commit from prevotes");
    const maj23 = this.maj23;
    if (maj23 === undefined || blockIdKey(maj23) === "") throw new Error("no +2/3 majority for a block");
    const key = blockIdKey(maj23);
    const signatures = this.votes.map((v): CommitSig => {
      if (v === undefined) return absentCommitSig();
      const k = blockIdKey(v.blockId);
      if (k !== "" && k !== key) return absentCommitSig();
      return {
        blockIdFlag: k === "" ? BLOCK_ID_FLAG_NIL : BLOCK_ID_FLAG_COMMIT,
        validatorAddress: v.validatorAddress,
        timestamp: v.timestamp,
        signature: v.signature,
      };
    });
    return { height: this.height, round: this.round, blockId: maj23, signatures };
  }
}
