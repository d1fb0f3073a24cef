// Publishing for the BFT engine: fire-and-forget sends on the consensus topics (a failed publish
// is only logged: every message is re-published on the next round, height or rebroadcast tick).
import type { Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import type { Logger } from "../../logger.js";
import type { ConsensusGossip } from "../../p2p/consensus-gossip.js";
import type { BlockEntry } from "./block-parts.js";

export class EnginePublisher {
  constructor(
    private readonly gossip: ConsensusGossip,
    private readonly running: () => boolean,
    private readonly logger?: Logger,
  ) {}

  vote(vote: Vote): void {
    this.send(() => this.gossip.publishVote(vote));
  }

  /** The proposal and the parts of its block at hand. */
  proposal(proposal: Proposal, entry: BlockEntry | undefined): void {
    this.send(() => this.gossip.publishProposal(proposal));
    this.parts(proposal.height, entry, proposal.round);
  }

  parts(height: bigint, entry: BlockEntry | undefined, round?: number): void {
    if (entry === undefined) return;
    for (const part of entry.parts) {
      if (part !== undefined)
        this.send(() => this.gossip.publishBlockPart({ height, round: round ?? entry.round, part }));
    }
  }

  private send(publish: () => Promise<number>): void {
    if (!this.running()) return;
    publish().catch((err) => this.logger?.debug({ err }, "consensus publish failed"));
  }
}
