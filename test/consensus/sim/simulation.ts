// A simulated network of validators running the consensus core: no sockets, a virtual clock, and
// random (seeded) delays and reorderings. It plays the driver's part as the p2p layer will: gossip
// with relaying (each node forwards what it accepted, once), re-offering what a peer could not use
// yet, +2/3 claims (VoteSetMaj23), timers, block building with the real block builder, block
// "parts" delivery after a delay, and execution (startHeight for the next height).
import type { BlockID, Commit, Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import { blockIdKey, keySigner } from "../../../node/consensus/bft/messages.js";
import { ConsensusStateMachine } from "../../../node/consensus/bft/state-machine.js";
import type { TimeoutConfig } from "../../../node/consensus/bft/timeouts.js";
import type { ConsensusAction, ConsensusInput, HandleResult } from "../../../node/consensus/bft/types.js";
import { ValidatorSet } from "../../../node/consensus/bft/validator-set.js";
import { type BuiltBlock, buildBlock } from "../../../node/consensus/block-builder.js";
import { resultsHash, zeroBlockId } from "../../../node/types/block.js";
import { type Ed25519Key, keyFromSecret } from "../../../node/types/ed25519.js";
import { timestampFromMillis } from "../../../node/types/time.js";
import { makeValidator } from "../../../node/types/validator.js";
import { SIGNED_MSG_TYPE_PRECOMMIT } from "../../../node/types/vote.js";
import { equivocateProposal, equivocateVote } from "./byzantine.js";
import { EventQueue } from "./event-queue.js";
import { Prng } from "./prng.js";

export const CHAIN_ID = "sim-chain";
const GENESIS_MS = Date.UTC(2025, 0, 1);

export type Behaviour = "honest" | "crashed" | "byzantine" | "silentProposer";

export interface Decision {
  height: bigint;
  round: number;
  blockId: BlockID;
  commit: Commit;
  validators: ValidatorSet;
  at: number;
}

export interface SimOptions {
  seed: number;
  behaviours: Behaviour[];
  /** Stop once every live node decided this many heights. */
  heights: number;
  minDelayMs?: number;
  /** How often the gossip layer re-offers what a peer could not use yet. */
  regossipMs?: number;
  maxDelayMs?: number;
  /** Probability that a message is much slower than usual (up to slowDelayMs). */
  slowChance?: number;
  slowDelayMs?: number;
  timeouts?: Partial<TimeoutConfig>;
  maxTimeMs?: number;
}

export type Msg = { type: "vote"; vote: Vote } | { type: "proposal"; proposal: Proposal };

export interface SimNode {
  index: number;
  key: Ed25519Key;
  behaviour: Behaviour;
  sm: ConsensusStateMachine;
  decisions: Decision[];
  /**
   * Messages sent to this node that it could not use yet (a height or round it has not reached,
   * too far ahead): the gossip layer offers them again, as CometBFT's reactor keeps sending a peer
   * the votes and proposal of the height and round it is at.
   */
  retry: Msg[];
  evidence: { voteA: Vote; voteB: Vote }[];
  /** Signatures of the messages this node has relayed (gossipsub forwards each message once). */
  relayed: Set<string>;
}

export class Simulation {
  readonly keys: Ed25519Key[];
  readonly nodes: SimNode[];
  readonly queue = new EventQueue();
  readonly rng: Prng;
  /** Every block built by anyone, by block ID key: what block-part gossip would deliver. */
  readonly blocks = new Map<string, BuiltBlock>();
  private readonly setsByHeight = new Map<bigint, ValidatorSet>();

  constructor(readonly options: SimOptions) {
    this.rng = new Prng(options.seed);
    this.keys = options.behaviours.map((_, i) => keyFromSecret(`sim-validator-${i}`));
    this.setsByHeight.set(1n, ValidatorSet.create(this.keys.map((k) => makeValidator(k.pubKey, 10n))));
    this.nodes = options.behaviours.map((behaviour, index) => ({
      index,
      key: this.keys[index]!,
      behaviour,
      sm: new ConsensusStateMachine({
        chainId: CHAIN_ID,
        signer: keySigner(this.keys[index]!),
        timeouts: options.timeouts ?? {
          propose: 300,
          proposeDelta: 100,
          prevote: 100,
          prevoteDelta: 50,
          precommit: 100,
          precommitDelta: 50,
          commit: 50,
        },
      }),
      decisions: [],
      retry: [],
      evidence: [],
      relayed: new Set(),
    }));
  }

  /** The validator set of a height: no validator changes, so one proposer step per height. */
  validatorsAt(height: bigint): ValidatorSet {
    let set = this.setsByHeight.get(height);
    if (set === undefined) {
      set = this.validatorsAt(height - 1n).incremented(1);
      this.setsByHeight.set(height, set);
    }
    return set;
  }

  live(): SimNode[] {
    return this.nodes.filter((n) => n.behaviour !== "crashed");
  }

  honest(): SimNode[] {
    return this.nodes.filter((n) => n.behaviour === "honest" || n.behaviour === "silentProposer");
  }

  run(): void {
    for (const node of this.live()) {
      this.input(node, { type: "startHeight", height: 1n, validators: this.validatorsAt(1n) });
    }
    const until = this.options.maxTimeMs ?? 600_000;
    const done = () => this.live().every((n) => n.decisions.length >= this.options.heights);
    const regossip = () => {
      for (const node of this.live()) this.claimMajorities(node);
      for (const node of this.live()) this.flushRetry(node);
      if (!done()) this.queue.schedule(this.options.regossipMs ?? 200, regossip);
    };
    this.queue.schedule(this.options.regossipMs ?? 200, regossip);
    while (!done() && this.queue.step(until)) {
      // events run inside step()
    }
  }

  private delay(): number {
    const { minDelayMs = 1, maxDelayMs = 40, slowChance = 0, slowDelayMs = 1000 } = this.options;
    if (slowChance > 0 && this.rng.chance(slowChance)) return minDelayMs + this.rng.int(slowDelayMs);
    return minDelayMs + this.rng.int(maxDelayMs - minDelayMs + 1);
  }

  private input(node: SimNode, input: ConsensusInput): HandleResult {
    const result = node.sm.handle(input, timestampFromMillis(GENESIS_MS + this.queue.now));
    if (
      result.status === "rejected" &&
      node.behaviour !== "byzantine" &&
      input.type !== "vote" &&
      input.type !== "proposal"
    ) {
      throw new Error(`node ${node.index} rejected its driver's ${input.type}: ${result.reason}`);
    }
    for (const action of result.actions) this.act(node, action);
    return result;
  }

  private deliver(to: SimNode, msg: Msg): void {
    if (to.behaviour === "crashed") return;
    const result = this.input(to, msg);
    const height = msg.type === "vote" ? msg.vote.height : msg.proposal.height;
    // Relay what was useful (or is evidence), once: every node gets what any honest node has.
    if (result.status === "accepted" || result.reason === "conflicting vote") {
      const id = Buffer.from(msg.type === "vote" ? msg.vote.signature : msg.proposal.signature).toString(
        "hex",
      );
      if (!to.relayed.has(id)) {
        to.relayed.add(id);
        this.gossip(to, () => msg);
      }
    }
    // Kept for later unless used, refused for good, or of a height this node is done with.
    if (result.status !== "ignored" || height < to.sm.rs.height) return;
    // A conflicting vote is kept: once a peer claims +2/3 for its block it may count after all.
    if (/duplicate|already|earlier|committing/.test(result.reason ?? "")) return;
    to.retry.push(msg);
  }

  /**
   * CometBFT's queryMaj23Routine: tell each peer which blocks have +2/3 at the peer's height (this
   * height's rounds, or the commit of a height the peer is still deciding).
   */
  private claimMajorities(node: SimNode): void {
    const rs = node.sm.rs;
    const peer = `node-${node.index}`;
    for (const to of this.live()) {
      if (to === node) continue;
      const height = to.sm.rs.height;
      const claims: Extract<ConsensusInput, { type: "peerMaj23" }>[] = [];
      if (height === rs.height) {
        for (let round = 0; round <= rs.round + 1; round++) {
          for (const set of [rs.votes.prevotes(round), rs.votes.precommits(round)]) {
            const blockId = set?.twoThirdsMajority();
            if (set !== undefined && blockId !== undefined) {
              claims.push({ type: "peerMaj23", peer, height, round, voteType: set.type, blockId });
            }
          }
        }
      }
      const decided = node.decisions.find((d) => d.height === height);
      if (decided !== undefined) {
        const { round, blockId } = decided;
        claims.push({ type: "peerMaj23", peer, height, round, voteType: SIGNED_MSG_TYPE_PRECOMMIT, blockId });
      }
      for (const claim of claims) this.queue.schedule(this.delay(), () => this.input(to, claim));
    }
  }

  private flushRetry(node: SimNode): void {
    const pending = node.retry;
    node.retry = [];
    for (const msg of pending) this.deliver(node, msg);
  }

  /** Sends to every live peer what `make` gives for it (nothing when it gives undefined). */
  gossip(from: SimNode, make: (to: SimNode) => Msg | undefined): void {
    for (const to of this.nodes) {
      if (to === from || to.behaviour === "crashed") continue;
      const msg = make(to);
      if (msg !== undefined) this.queue.schedule(this.delay(), () => this.deliver(to, msg));
    }
  }

  private act(node: SimNode, a: ConsensusAction): void {
    switch (a.type) {
      case "broadcastVote":
        if (node.behaviour === "byzantine") equivocateVote(this, node, a.vote);
        else this.gossip(node, () => ({ type: "vote", vote: a.vote }));
        break;
      case "broadcastProposal":
        if (node.behaviour === "byzantine") equivocateProposal(this, node, a.proposal);
        else this.gossip(node, () => ({ type: "proposal", proposal: a.proposal }));
        break;
      case "scheduleTimeout": {
        const { height, round, step } = a;
        this.queue.schedule(a.durationMs, () => this.input(node, { type: "timeout", height, round, step }));
        break;
      }
      case "createBlock": {
        if (node.behaviour === "silentProposer") break; // never proposes
        const built = this.build(node, a.height, a.lastCommit, `${a.round}`);
        this.input(node, {
          type: "proposalBlock",
          height: a.height,
          round: a.round,
          blockId: built.blockId,
          time: built.block.header!.time,
        });
        break;
      }
      case "needBlock": {
        const built = this.blocks.get(blockIdKey(a.blockId));
        if (built === undefined) break; // a made-up block ID: nobody can send its parts
        const block = { blockId: built.blockId, time: built.block.header!.time, valid: true };
        this.queue.schedule(this.delay(), () => {
          if (node.sm.rs.height === a.height)
            this.input(node, { type: "blockComplete", height: a.height, block });
        });
        break;
      }
      case "decide":
        this.onDecide(node, a);
        break;
      case "duplicateVote":
        node.evidence.push({ voteA: a.voteA, voteB: a.voteB });
        break;
    }
  }

  /** Builds a real block (the node's proposal) and registers it for block-part delivery. */
  build(node: SimNode, height: bigint, lastCommit: Commit, salt: string): BuiltBlock {
    const prev =
      height > 1n ? this.nodes[node.index]!.decisions.find((d) => d.height === height - 1n) : undefined;
    const vals = this.validatorsAt(height);
    const built = buildBlock({
      chainId: CHAIN_ID,
      height,
      time: timestampFromMillis(GENESIS_MS + this.queue.now),
      lastBlockId: prev?.blockId ?? zeroBlockId(),
      lastCommit,
      txs: [new TextEncoder().encode(`tx ${height} ${node.index} ${salt}`)],
      validators: vals.validators,
      nextValidators: this.validatorsAt(height + 1n).validators,
      maxBytes: 1_000_000n,
      maxGas: -1n,
      appHash: new Uint8Array(32),
      lastResultsHash: resultsHash([]),
      proposerAddress: node.key.address,
    });
    this.blocks.set(blockIdKey(built.blockId), built);
    return built;
  }

  private onDecide(node: SimNode, a: Extract<ConsensusAction, { type: "decide" }>): void {
    const validators = this.validatorsAt(a.height);
    node.decisions.push({
      height: a.height,
      round: a.round,
      blockId: a.blockId,
      commit: a.commit,
      validators,
      at: this.queue.now,
    });
    // "Execute" the block, then start the next height and hand over what came for it meanwhile.
    this.queue.schedule(1 + this.rng.int(5), () => {
      const next = a.height + 1n;
      this.input(node, { type: "startHeight", height: next, validators: this.validatorsAt(next) });
      this.flushRetry(node);
    });
  }
}
