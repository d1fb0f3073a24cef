// The BFT engine: runs one validator's consensus around the deterministic core. Gossip messages and
// timer expiries become state-machine inputs (each logged to the WAL first, handled one at a time);
// the core's actions become I/O: publishing proposals, block parts and votes, timers, building this
// node's proposal block, gathering and checking others' blocks, and executing decided blocks before
// starting the next height. Messages can be lost (or dropped as early), so the engine re-publishes
// its own latest votes and the current proposal with its parts on each new height and round and
// every rebroadcastMs. At start the WAL's inputs of the current height are replayed; blocks decided
// elsewhere arrive through block sync (applySynced).
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Commit, Part, Vote } from "cosmjs-types/tendermint/types/types";
import type { Application } from "../../app/application.js";
import type { GenesisDoc } from "../../genesis/genesis-doc.js";
import type { Logger } from "../../logger.js";
import type { Mempool } from "../../mempool/mempool.js";
import {
  type BlockPart,
  ConsensusGossip,
  type GossipVerdict,
  verdictOf,
} from "../../p2p/consensus-gossip.js";
import type { P2PHost } from "../../p2p/host.js";
import type { BlockStore } from "../../store/block-store.js";
import { nowTimestamp } from "../../types/time.js";
import { SIGNED_MSG_TYPE_PREVOTE } from "../../types/vote.js";
import type { BlockExecutor } from "../block-executor.js";
import { type AheadMessage, AheadMessages, heightOf } from "./ahead-messages.js";
import { type BlockEntry, BlockParts } from "./block-parts.js";
import { checkReceivedBlock, createProposalBlock } from "./engine-proposal.js";
import { EnginePublisher } from "./engine-publish.js";
import { checkSyncedBlock, type SyncOutcome } from "./engine-sync.js";
import { advanceTip, type ChainTip, loadChainTip, updatesOf } from "./engine-tip.js";
import type { EvidencePool } from "./evidence-pool.js";
import { blockIdKey } from "./messages.js";
import type { ConsensusMetrics } from "./metrics.js";
import type { FilePV } from "./privval.js";
import { ConsensusStateMachine } from "./state-machine.js";
import type { TimeoutConfig } from "./timeouts.js";
import type { ConsensusAction, ConsensusInput, HandleResult } from "./types.js";
import { nextValidatorSet, type ValidatorHistory } from "./validator-history.js";
import type { ValidatorSet } from "./validator-set.js";
import type { Wal } from "./wal.js";

export interface BftEngineDeps {
  genesis: GenesisDoc;
  app: Application;
  mempool: Mempool;
  blockStore: BlockStore;
  executor: BlockExecutor;
  privval: FilePV;
  wal: Wal;
  /** Started with bftGossipsubOptions(chainId) (or consensusGossipsubOptions plus a short seenTTL). */
  host: P2PHost;
  /** The stored validator set of each height. */
  validatorHistory: ValidatorHistory;
  evidence: EvidencePool;
  metrics?: ConsensusMetrics;
  /** Called when the node cannot continue (a decided block failed to execute). */
  onFatal?: (err: Error) => void;
  timeouts?: Partial<TimeoutConfig>;
  /** Default 1000 ms. */
  rebroadcastMs?: number;
  logger?: Logger;
}

type Status = HandleResult["status"];

export class BftEngine {
  readonly gossip: ConsensusGossip;
  readonly sm: ConsensusStateMachine;
  private readonly publisher: EnginePublisher;
  private tip?: ChainTip;
  private parts = new BlockParts(0n);
  private queue: Promise<unknown> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private rebroadcastTimer?: NodeJS.Timeout;
  private running = false;
  private readonly decisions: Extract<ConsensusAction, { type: "decide" }>[] = [];
  private readonly ahead = new AheadMessages();
  /** This node's votes of the current and previous height, by height/round/type. */
  private readonly ownVotes = new Map<string, Vote>();
  /** The block decided at the previous height (its parts help nodes still deciding it). */
  private previous?: BlockEntry;
  private lastRound = -1;
  private behindListener?: (heardHeight: bigint) => void;
  /** Inputs come from the WAL: not logged again, no new proposal block built. */
  private replaying = false;
  /** The decided block being executed, if any. */
  private applying?: Promise<unknown>;

  constructor(private readonly deps: BftEngineDeps) {
    this.sm = new ConsensusStateMachine({
      chainId: deps.genesis.chainId,
      signer: deps.privval,
      timeouts: deps.timeouts,
      maxBlockBytes: deps.genesis.maxBytes,
    });
    this.gossip = new ConsensusGossip(deps.host, deps.genesis.chainId, {
      onProposal: (proposal) => this.onMessage({ type: "proposal", proposal }),
      onVote: (vote) => this.onMessage({ type: "vote", vote }),
      onBlockPart: (part) => this.onBlockPart(part),
      onEvidence: (ev) => this.run(() => deps.evidence.add(ev)).then(verdictOf),
    });
    this.publisher = new EnginePublisher(this.gossip, () => this.running, deps.logger);
  }

  /** The height being decided (0 before start). */
  get height(): bigint {
    return this.tip?.height ?? 0n;
  }

  /** Resolves when no decided block is being executed (mempool admission waits for it). */
  async idle(): Promise<void> {
    while (this.applying !== undefined) await this.applying.catch(() => undefined);
  }

  /** Block sync tells the median height its peers claim to store (one liar cannot move it far). */
  notePeerHeight(height: bigint): void {
    this.ahead.notePeerHeight(height);
  }

  /** Called when a gossiped message is more than one height ahead: block sync should run. */
  onBehind(listener: (heardHeight: bigint) => void): void {
    this.behindListener = listener;
  }

  /**
   * Loads the chain tip from the block store without taking part in consensus: block sync can
   * apply blocks from then on (the node catches up before start()).
   */
  async load(): Promise<void> {
    if (this.tip !== undefined) return;
    const { genesis, app, blockStore } = this.deps;
    this.tip = await loadChainTip(genesis, app, blockStore, this.deps.validatorHistory);
    await this.deps.evidence.load(blockStore, this.deps.validatorHistory);
    this.parts.reset(this.tip.height);
  }

  /** Subscribes to the consensus topics and starts the next height after the block store's tip. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.run(() => this.load());
    this.running = true;
    this.gossip.start();
    const every = this.deps.rebroadcastMs ?? 1000;
    this.rebroadcastTimer = setInterval(() => this.rebroadcast(), every);
    await this.run(() => {
      const tip = this.tip!;
      if (this.replayWal(tip)) return;
      this.step({
        type: "startHeight",
        height: tip.height,
        validators: tip.validators,
        lastCommit: tip.lastCommit,
      });
    });
  }

  /**
   * Feeds the WAL's inputs of the height being decided back into the state machine (with the time
   * each was first handled at), after the block parts they refer to, so a restarted validator is
   * back at its round and step, with its lock, and repeats (identical, so re-signable) votes.
   * Answers false when the WAL has nothing for this height.
   */
  private replayWal(tip: ChainTip): boolean {
    const replay = this.deps.wal.replay(tip.height);
    const first = replay.inputs[0]?.input;
    if (!replay.found || first?.type !== "startHeight" || first.height !== tip.height) return false;
    this.replaying = true;
    try {
      for (const part of replay.parts) this.parts.addPart(part);
      // The logged start of a height carries no last commit (the votes were in memory): use the stored one.
      this.step({
        type: "startHeight",
        height: tip.height,
        validators: tip.validators,
        lastCommit: tip.lastCommit,
      });
      for (const { input, now } of replay.inputs.slice(1)) {
        if (input.type === "proposalBlock") this.parts.want(input.blockId, input.round);
        this.step(input, now);
      }
    } finally {
      this.replaying = false;
    }
    const rs = this.sm.rs;
    this.deps.logger?.info(
      {
        height: String(tip.height),
        inputs: replay.inputs.length,
        parts: replay.parts.length,
        round: rs.round,
      },
      "replayed the consensus WAL",
    );
    return true;
  }

  /** Stops timers and gossip; waits for the input being handled (and any block being executed). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.rebroadcastTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.gossip.stop();
    await this.queue;
    this.deps.wal.flush();
  }

  // ---- inputs ----

  /** One input at a time, in arrival order; decisions are executed before the next input. */
  private run<T>(fn: () => T | Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      const out = await fn();
      await this.executeDecisions();
      return out;
    });
    this.queue = next.catch((err) => {
      this.deps.logger?.error({ err }, "consensus engine failure");
    });
    return next;
  }

  private async onMessage(msg: AheadMessage): Promise<GossipVerdict> {
    if (!this.running) return "ignore";
    const status = await this.run((): Status => {
      const height = heightOf(msg);
      const current = this.tip?.height ?? 0n;
      if (height > current) {
        if (height > current + 1n) this.behindListener?.(height);
        return this.ahead.offer(msg, current);
      }
      const status = this.step(msg);
      if (status === "accepted" && msg.type === "vote") {
        this.deps.metrics?.votes.inc({
          type: msg.vote.type === SIGNED_MSG_TYPE_PREVOTE ? "prevote" : "precommit",
        });
      }
      return status;
    });
    return verdictOf(status);
  }

  private async onBlockPart(bp: BlockPart): Promise<GossipVerdict> {
    if (!this.running) return "ignore";
    const status = await this.run((): Status => {
      const out = this.parts.addPart(bp);
      if (out.status === "accepted" && out.completed !== undefined) this.blockCompleted(out.completed);
      return out.status;
    });
    return verdictOf(status);
  }

  /** Logs the input to the WAL, hands it to the core, carries out the actions. */
  private step(input: ConsensusInput, replayedNow?: Timestamp): Status {
    if (!this.running) return "ignored";
    const now = replayedNow ?? nowTimestamp();
    if (!this.replaying) this.deps.wal.write({ type: "input", input, now });
    const result = this.sm.handle(input, now);
    const metrics = this.deps.metrics;
    if (metrics !== undefined) {
      const rs = this.sm.rs;
      metrics.height.set(Number(rs.height));
      metrics.round.set(rs.round);
      metrics.step.set(rs.step);
    }
    for (const action of result.actions) this.execute(action, now);
    const rs = this.sm.rs;
    if (rs.round !== this.lastRound) {
      this.lastRound = rs.round;
      this.rebroadcast();
    }
    if (result.status === "rejected") {
      this.deps.logger?.debug({ input: input.type, reason: result.reason }, "consensus input rejected");
    }
    return result.status;
  }

  private execute(action: ConsensusAction, now: Timestamp): void {
    switch (action.type) {
      case "broadcastProposal":
        this.logOwn({ type: "proposal", proposal: action.proposal }, now);
        this.publisher.proposal(action.proposal, this.parts.get(action.proposal.blockId));
        break;
      case "broadcastVote":
        this.logOwn({ type: "vote", vote: action.vote }, now);
        this.ownVotes.set(`${action.vote.height}/${action.vote.round}/${action.vote.type}`, action.vote);
        this.publisher.vote(action.vote);
        break;
      case "scheduleTimeout": {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!this.running) return;
          void this.run(() =>
            this.step({ type: "timeout", height: action.height, round: action.round, step: action.step }),
          );
        }, action.durationMs);
        this.timers.add(timer);
        break;
      }
      case "createBlock":
        // On replay the WAL holds the block made then and the proposalBlock input that followed.
        if (!this.replaying) this.createBlock(action);
        break;
      case "needBlock": {
        const completed = this.parts.want(action.blockId, this.sm.rs.round);
        if (completed !== undefined) this.blockCompleted(completed);
        break;
      }
      case "decide":
        this.decisions.push(action);
        break;
      case "duplicateVote":
        this.deps.logger?.warn(
          {
            validator: Buffer.from(action.voteA.validatorAddress).toString("hex"),
            height: String(action.voteA.height),
          },
          "duplicate vote: evidence will be submitted once its height is committed",
        );
        this.deps.evidence.report(action.voteA, action.voteB);
        break;
    }
  }

  private createBlock(action: Extract<ConsensusAction, { type: "createBlock" }>): void {
    const tip = this.tip!;
    const built = createProposalBlock(
      {
        genesis: this.deps.genesis,
        app: this.deps.app,
        mempool: this.deps.mempool,
        evidence: this.deps.evidence,
        proposerAddress: this.deps.privval.address,
      },
      tip,
      action.lastCommit,
    );
    this.parts.addOwn(built.blockId, action.round, built.partSet, built.bytes, built.block);
    this.logParts(action.height, action.round, built.partSet.parts);
    this.step({
      type: "proposalBlock",
      height: action.height,
      round: action.round,
      blockId: built.blockId,
      time: built.block.header!.time!,
    });
  }

  /**
   * This node's signed proposals and votes are on disk before they are sent. On replay the state
   * machine cannot always sign them again (the private validator has moved past that step), so it
   * takes them from these records, as CometBFT replays its own messages.
   */
  private logOwn(input: ConsensusInput, now: Timestamp): void {
    if (!this.replaying) this.deps.wal.writeSync({ type: "input", input, now });
  }

  /** A whole block's parts go to the WAL before any input that refers to the block. */
  private logParts(height: bigint, round: number, parts: readonly (Part | undefined)[]): void {
    if (this.replaying) return;
    for (const part of parts)
      if (part !== undefined) this.deps.wal.write({ type: "blockPart", part: { height, round, part } });
  }

  /** All parts of a wanted block are in: check it and tell the core. */
  private blockCompleted(entry: BlockEntry): void {
    const tip = this.tip!;
    this.logParts(tip.height, entry.round, entry.parts);
    const error =
      entry.block === undefined
        ? "block bytes do not decode"
        : checkReceivedBlock(this.deps, tip, entry.block, entry.blockId.hash);
    if (error !== undefined) this.deps.logger?.warn({ error }, "received an invalid block");
    const time = entry.block?.header?.time ?? tip.lastBlockTime;
    this.step({
      type: "blockComplete",
      height: tip.height,
      block: { blockId: entry.blockId, time, valid: error === undefined },
    });
  }

  // ---- decisions ----

  private async executeDecisions(): Promise<void> {
    for (let d = this.decisions.shift(); d !== undefined; d = this.decisions.shift()) {
      await this.decide(d);
    }
  }

  private async decide(d: Extract<ConsensusAction, { type: "decide" }>): Promise<void> {
    const entry = this.parts.get(d.blockId);
    if (entry?.block === undefined || entry.bytes === undefined) {
      throw new Error(`decided block ${blockIdKey(d.blockId)} is not at hand`);
    }
    await this.commitBlock(entry, d.commit, d.round);
  }

  /** Executes a block decided here or fetched by block sync, then starts the next height. */
  private async commitBlock(entry: BlockEntry, commit: Commit, round: number): Promise<void> {
    const tip = this.tip!;
    const block = entry.block!;
    const height = block.header!.height;
    let nextNext: ValidatorSet | undefined;
    const applying = this.apply({ block, blockId: entry.blockId }, entry.bytes!, commit, (r) => {
      nextNext = nextValidatorSet(tip.nextValidators, updatesOf(r));
      return [
        ...this.deps.validatorHistory.saveOps(height + 2n, nextNext),
        ...this.deps.evidence.committedOps(block),
      ];
    });
    this.applying = applying;
    let results: Awaited<typeof applying>;
    try {
      results = await applying;
    } finally {
      this.applying = undefined;
    }
    this.deps.wal.writeEndHeight(height);
    this.deps.evidence.update(block, { time: block.header!.time!, validators: tip.validators });
    this.deps.metrics?.countCommitted(block, tip.lastValidators?.validators ?? []);
    this.previous = entry;
    this.tip = advanceTip(
      tip,
      { blockId: entry.blockId, time: block.header!.time! },
      results,
      nextNext!,
      commit,
    );
    this.parts.reset(this.tip.height);
    for (const key of [...this.ownVotes.keys()]) {
      if (BigInt(key.split("/")[0]!) < height) this.ownVotes.delete(key);
    }
    this.deps.logger?.info(
      { height: height.toString(), round, txs: block.data?.txs.length ?? 0 },
      "committed block",
    );
    if (!this.running) return;
    this.lastRound = -1;
    this.step({
      type: "startHeight",
      height: this.tip.height,
      validators: this.tip.validators,
      lastCommit: this.tip.lastCommit,
    });
    for (const msg of this.ahead.takeFor(this.tip.height)) this.step(msg);
  }

  /**
   * Executes a decided block. A failure here leaves the app with a finalized, uncommitted block:
   * the node cannot go on, so it is reported as fatal (the node exits, as CometBFT panics).
   */
  private apply(...args: Parameters<BlockExecutor["apply"]>): ReturnType<BlockExecutor["apply"]> {
    return this.deps.executor.apply(...args).catch((err) => {
      this.deps.logger?.fatal?.({ err }, "executing a decided block failed: stopping");
      this.deps.onFatal?.(err as Error);
      throw err;
    });
  }

  // ---- block sync ----

  /**
   * A block fetched from a peer with the commit that decided it: applied when it is the height being
   * decided, its commit is for exactly these bytes and carries +2/3 of this height's validators, and
   * it passes the same checks as a proposed block. "stale" when the height was decided meanwhile.
   */
  applySynced(blockBytes: Uint8Array, commitBytes: Uint8Array): Promise<SyncOutcome> {
    return this.run(async (): Promise<SyncOutcome> => {
      const tip = this.tip;
      if (tip === undefined) return { status: "invalid", reason: "engine not loaded" };
      const checked = checkSyncedBlock(this.deps, tip, blockBytes, commitBytes);
      if (checked.status !== "ok") return checked;
      await this.commitBlock(checked.entry, checked.commit, checked.commit.round);
      this.deps.metrics?.syncedBlocks.inc();
      return { status: "applied" };
    });
  }

  // ---- publishing ----

  /** Re-publishes own votes, the current proposal and the parts at hand, and the last decided block. */
  private rebroadcast(): void {
    if (!this.running || this.tip === undefined) return;
    for (const vote of this.ownVotes.values()) this.publisher.vote(vote);
    let rs: ConsensusStateMachine["rs"] | undefined;
    try {
      rs = this.sm.rs;
    } catch {
      return;
    }
    if (rs.proposal !== undefined) this.publisher.proposal(rs.proposal, this.parts.get(rs.proposal.blockId));
    if (this.previous?.block?.header !== undefined) {
      this.publisher.parts(this.previous.block.header.height, this.previous);
    }
  }
}
