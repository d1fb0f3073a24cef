// The evidence a block carries, as the application sees it (ABCI Misbehavior). Only duplicate-vote
// evidence is ever accepted into a block here (light-client attack evidence is refused by block
// validation), so that is the only kind translated.
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { Misbehavior } from "../app/application.js";
import { timestampToNanos } from "./block-builder.js";

export function misbehaviorOf(block: Block): Misbehavior[] {
  const out: Misbehavior[] = [];
  for (const ev of block.evidence?.evidence ?? []) {
    const dv = ev.duplicateVoteEvidence;
    if (dv?.voteA === undefined) continue;
    out.push({
      type: "duplicateVote",
      validatorAddress: dv.voteA.validatorAddress,
      height: dv.voteA.height,
      timeNs: timestampToNanos(dv.timestamp),
      totalVotingPower: dv.totalVotingPower,
    });
  }
  return out;
}
