// The simulated Byzantine validator: its core runs honestly, but it equivocates — each peer gets
// either its real vote or proposal, or another one, validly signed, for a different block.
import type { BlockID, Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import { blockIdKey } from "../../../node/consensus/bft/messages.js";
import { lastCommitOf } from "../../../node/consensus/bft/rules.js";
import { zeroBlockId } from "../../../node/types/block.js";
import { signProposal, signVote } from "../../../node/types/vote.js";
import { CHAIN_ID, type SimNode, type Simulation } from "./simulation.js";

/** Each peer gets either its real vote or, half the time, one for nil, another block or a made-up one. */
export function equivocateVote(sim: Simulation, node: SimNode, vote: Vote): void {
  const sameHeight = [...sim.blocks.values()].filter((b) => b.block.header!.height === vote.height);
  const realKey = blockIdKey(vote.blockId);
  const fake: BlockID = {
    hash: new Uint8Array(32).fill(sim.rng.int(256)),
    partSetHeader: { total: 1, hash: new Uint8Array(32).fill(7) },
  };
  const alternatives = [zeroBlockId(), ...sameHeight.map((b) => b.blockId), fake].filter(
    (id) => blockIdKey(id) !== realKey,
  );
  sim.gossip(node, () => {
    if (sim.rng.chance(0.5)) return { type: "vote", vote };
    const twin = { ...vote, blockId: alternatives[sim.rng.int(alternatives.length)]! };
    return { type: "vote", vote: { ...twin, signature: signVote(CHAIN_ID, twin, node.key) } };
  });
}

/** As proposer: a second block, and each peer gets one of the two proposals at random. */
export function equivocateProposal(sim: Simulation, node: SimNode, proposal: Proposal): void {
  const other = sim.build(node, proposal.height, lastCommitOf(node.sm.rs), `evil ${proposal.round}`);
  const twin = { ...proposal, blockId: other.blockId, polRound: -1 };
  const signedTwin = { ...twin, signature: signProposal(CHAIN_ID, twin, node.key) };
  sim.gossip(node, () => ({ type: "proposal", proposal: sim.rng.chance(0.5) ? proposal : signedTwin }));
}
