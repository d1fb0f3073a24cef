// Consensus metrics (CometBFT's consensus_* family): where the state machine is, how many peers and
// votes it sees, and which validators' signatures are missing from committed blocks.
import type { Block } from "cosmjs-types/tendermint/types/block";
import { Counter, Gauge, type Registry } from "prom-client";
import { BLOCK_ID_FLAG_ABSENT } from "../../types/block.js";

export class ConsensusMetrics {
  readonly height: Gauge;
  readonly round: Gauge;
  readonly step: Gauge;
  readonly peers: Gauge;
  readonly votes: Counter<"type">;
  readonly missedBlocks: Counter<"validator">;
  readonly syncedBlocks: Counter;
  readonly evidence: Counter;

  constructor(registry: Registry, peerCount: () => number) {
    const registers = [registry];
    this.height = new Gauge({ name: "openledger_consensus_height", help: "Height being decided", registers });
    this.round = new Gauge({
      name: "openledger_consensus_round",
      help: "Round of the height being decided",
      registers,
    });
    this.step = new Gauge({
      name: "openledger_consensus_step",
      help: "Round step (1 new height … 8 commit, as CometBFT's RoundStepType)",
      registers,
    });
    this.peers = new Gauge({
      name: "openledger_consensus_peers",
      help: "Connected p2p peers",
      registers,
      collect() {
        this.set(peerCount());
      },
    });
    this.votes = new Counter({
      name: "openledger_consensus_votes_received_total",
      help: "Valid votes received over gossip, by type",
      labelNames: ["type"],
      registers,
    });
    this.missedBlocks = new Counter({
      name: "openledger_consensus_validator_missed_blocks_total",
      help: "Committed blocks whose last commit lacks the validator's signature",
      labelNames: ["validator"],
      registers,
    });
    this.syncedBlocks = new Counter({
      name: "openledger_consensus_block_sync_blocks_total",
      help: "Blocks applied through block sync",
      registers,
    });
    this.evidence = new Counter({
      name: "openledger_consensus_evidence_committed_total",
      help: "Evidence committed in blocks",
      registers,
    });
  }

  /** A committed block: its evidence, and the validators of its LastCommit (signers[i]) that are absent. */
  countCommitted(block: Block, signers: readonly { address: Uint8Array }[]): void {
    this.evidence.inc(block.evidence?.evidence.length ?? 0);
    for (const [i, sig] of (block.lastCommit?.signatures ?? []).entries()) {
      const v = signers[i];
      if (v !== undefined && sig.blockIdFlag === BLOCK_ID_FLAG_ABSENT)
        this.missedBlocks.inc({ validator: Buffer.from(v.address).toString("hex").toUpperCase() });
    }
  }
}
