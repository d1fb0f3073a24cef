// A validator's (or follower's) consensus subsystem, as node.ts wires it: the BFT engine, its WAL and
// private validator, the block sync server and syncer, and the persistent peers. start() serves
// stored blocks, dials peers, catches up from them, then takes part in consensus; stop() undoes it.

import type { Registry } from "prom-client";
import type { Application } from "../../app/application.js";
import type { GenesisDoc } from "../../genesis/genesis-doc.js";
import type { Logger } from "../../logger.js";
import type { Mempool } from "../../mempool/mempool.js";
import { serveBlockSync } from "../../p2p/block-sync-protocol.js";
import type { P2PHost } from "../../p2p/host.js";
import { PersistentPeers } from "../../p2p/persistent-peers.js";
import type { BlockStore } from "../../store/block-store.js";
import type { Db } from "../../store/db.js";
import type { Ed25519Key } from "../../types/ed25519.js";
import type { BlockExecutor } from "../block-executor.js";
import { BlockSyncer } from "./block-sync.js";
import { BftEngine } from "./engine.js";
import { EvidencePool } from "./evidence-pool.js";
import { ConsensusMetrics } from "./metrics.js";
import { FilePV } from "./privval.js";
import type { TimeoutConfig } from "./timeouts.js";
import { ValidatorHistory } from "./validator-history.js";
import { Wal } from "./wal.js";

export interface BftServiceDeps {
  db: Db;
  genesis: GenesisDoc;
  app: Application;
  mempool: Mempool;
  blockStore: BlockStore;
  executor: BlockExecutor;
  validatorKey: Ed25519Key;
  privValidatorStatePath: string;
  walPath: string;
  /** Started with bftGossipsubOptions(chainId). */
  host: P2PHost;
  persistentPeers: string[];
  timeouts?: Partial<TimeoutConfig>;
  /** Consensus metrics are registered here when given (the node's /metrics registry). */
  metricsRegistry?: Registry;
  /** The node cannot go on (a decided block failed to execute): node.ts exits the process. */
  onFatal?: (err: Error) => void;
  /** How long start() waits for a first peer to catch up from. Default 3000 ms. */
  initialSyncWaitMs?: number;
  logger?: Logger;
}

export class BftService {
  readonly engine: BftEngine;
  readonly syncer: BlockSyncer;
  readonly evidence: EvidencePool;
  readonly validatorHistory: ValidatorHistory;
  private readonly wal: Wal;
  private readonly peers: PersistentPeers;
  private stopServing?: () => Promise<void>;

  constructor(private readonly deps: BftServiceDeps) {
    const { genesis, host, logger } = deps;
    const privval = FilePV.fromKey(deps.validatorKey, deps.privValidatorStatePath);
    this.evidence = new EvidencePool(genesis.chainId, deps.db);
    this.validatorHistory = new ValidatorHistory(deps.db, genesis);
    this.wal = Wal.open(deps.walPath);
    this.engine = new BftEngine({
      genesis,
      app: deps.app,
      mempool: deps.mempool,
      blockStore: deps.blockStore,
      executor: deps.executor,
      privval,
      wal: this.wal,
      host,
      validatorHistory: this.validatorHistory,
      evidence: this.evidence,
      metrics:
        deps.metricsRegistry &&
        new ConsensusMetrics(deps.metricsRegistry, () => host.libp2p.getPeers().length),
      timeouts: deps.timeouts,
      onFatal: deps.onFatal,
      logger,
    });
    this.syncer = new BlockSyncer(host.libp2p, genesis.chainId, this.engine, { logger });
    this.engine.onBehind(() => this.syncer.trigger());
    this.evidence.onEvidence((ev) => {
      this.engine.gossip
        .publishEvidence(ev)
        .catch((err) => logger?.debug({ err }, "evidence publish failed"));
    });
    this.peers = new PersistentPeers(host, deps.persistentPeers, logger);
  }

  async start(): Promise<void> {
    const { host, genesis, blockStore, logger } = this.deps;
    this.stopServing = await serveBlockSync(host.libp2p, genesis.chainId, blockStore, { logger });
    this.peers.start();
    await this.engine.load();
    const applied = await this.syncer.initialSync(this.deps.initialSyncWaitMs ?? 3000);
    if (applied > 0)
      logger?.info({ applied, height: String(blockStore.height) }, "caught up before consensus");
    this.syncer.start();
    await this.engine.start();
  }

  idle(): Promise<void> {
    return this.engine.idle();
  }

  async stop(): Promise<void> {
    await this.syncer.stop();
    await this.engine.stop();
    this.peers.stop();
    await this.stopServing?.();
    this.wal.close();
  }
}
