// Duplicate-vote evidence as CometBFT 0.38 builds and verifies it (types/evidence.go
// NewDuplicateVoteEvidence and ValidateBasic, evidence/verify.go VerifyDuplicateVote): two votes by
// one validator for the same height, round and type with different block IDs, both signed, ordered
// by BlockID key, carrying the validator's power, the set's total power and the block time of that
// height. The context (block time and validator set of the height) comes from the evidence pool.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { DuplicateVoteEvidence } from "cosmjs-types/tendermint/types/evidence";
import { type BlockID, PartSetHeader, type Vote } from "cosmjs-types/tendermint/types/types";
import { blockIdEquals } from "../../types/block.js";
import { compareTimestamps } from "../../types/time.js";
import { verifyVoteSignature } from "../../types/vote.js";
import type { ValidatorSet } from "./validator-set.js";

/** What a height's evidence is checked against. */
export interface HeightInfo {
  time: Timestamp;
  validators: ValidatorSet;
}

/** BlockID.Key(): hash followed by the part set header's proto bytes. */
function blockIdKey(id: BlockID | undefined): Uint8Array {
  if (id === undefined) return new Uint8Array(0);
  const psh = PartSetHeader.encode(id.partSetHeader ?? { total: 0, hash: new Uint8Array(0) }).finish();
  return Buffer.concat([id.hash, psh]);
}

/** NewDuplicateVoteEvidence: answers undefined when the votes do not conflict or the signer is unknown. */
export function duplicateVoteEvidence(a: Vote, b: Vote, info: HeightInfo): DuplicateVoteEvidence | undefined {
  const index = info.validators.indexOf(a.validatorAddress);
  if (index < 0) return undefined;
  const [voteA, voteB] = Buffer.compare(blockIdKey(a.blockId), blockIdKey(b.blockId)) < 0 ? [a, b] : [b, a];
  return {
    voteA,
    voteB,
    totalVotingPower: info.validators.totalVotingPower,
    validatorPower: info.validators.getByIndex(index)!.votingPower,
    timestamp: info.time,
  };
}

/** ValidateBasic + VerifyDuplicateVote; the reason when invalid. */
export function verifyDuplicateVote(
  chainId: string,
  ev: DuplicateVoteEvidence,
  info: HeightInfo,
): string | undefined {
  const { voteA, voteB } = ev;
  if (voteA === undefined || voteB === undefined) return "duplicate vote evidence lacks a vote";
  if (voteA.height !== voteB.height || voteA.round !== voteB.round || voteA.type !== voteB.type) {
    return "votes are for different heights, rounds or types";
  }
  if (!Buffer.from(voteA.validatorAddress).equals(Buffer.from(voteB.validatorAddress))) {
    return "votes are from different validators";
  }
  if (voteA.validatorIndex !== voteB.validatorIndex) return "votes have different validator indexes";
  if (blockIdEquals(voteA.blockId ?? nilId(), voteB.blockId ?? nilId()))
    return "votes are for the same block";
  if (Buffer.compare(blockIdKey(voteA.blockId), blockIdKey(voteB.blockId)) >= 0) {
    return "votes are not ordered by block ID key";
  }
  const index = info.validators.indexOf(voteA.validatorAddress);
  if (index < 0) return "the signer was not a validator at that height";
  if (index !== voteA.validatorIndex) return "validator index does not match the set";
  const val = info.validators.getByIndex(index)!;
  if (ev.validatorPower !== val.votingPower) {
    return `validator power ${ev.validatorPower}, the set says ${val.votingPower}`;
  }
  if (ev.totalVotingPower !== info.validators.totalVotingPower) {
    return `total voting power ${ev.totalVotingPower}, the set says ${info.validators.totalVotingPower}`;
  }
  if (ev.timestamp === undefined || compareTimestamps(ev.timestamp, info.time) !== 0) {
    return "evidence time is not the block time of its height";
  }
  for (const vote of [voteA, voteB]) {
    if (!verifyVoteSignature(chainId, vote, val.pubKey, vote.signature))
      return "a vote's signature does not verify";
  }
  return undefined;
}

function nilId(): BlockID {
  return { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } };
}
