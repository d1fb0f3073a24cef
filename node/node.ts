// The one place that wires the node's subsystems: LevelDB, committed state, the app and its
// modules, the block store and tx index, the mempool, block production, RPC and metrics.
import "./types/cosmjs-binary.js";
import { readFile } from "node:fs/promises";
import type { Server } from "node:http";
import { join } from "node:path";
import { buildModules, STORE_NAMES } from "../modules/index.js";
import { BaseApp } from "./app/baseapp.js";
import { AttributionWorker } from "./attribution/worker/worker.js";
import { NodeBackend } from "./backend.js";
import { bftGossipsubOptions } from "./consensus/bft/engine-gossip.js";
import { BftService } from "./consensus/bft/service.js";
import { ValidatorHistory } from "./consensus/bft/validator-history.js";
import { BlockExecutor } from "./consensus/block-executor.js";
import { handshake } from "./consensus/handshake.js";
import { SingleValidatorProducer } from "./consensus/single-validator.js";
import { ContentIndexer } from "./content/indexer.js";
import { ContentService } from "./content/service.js";
import { ContentStore } from "./content/store.js";
import { VerifyPool } from "./crypto/verify-pool.js";
import { explorerRoute } from "./explorer/route.js";
import { type GenesisDoc, parseGenesisDoc } from "./genesis/genesis-doc.js";
import type { Logger } from "./logger.js";
import { Mempool } from "./mempool/mempool.js";
import { SignaturePreverifier } from "./mempool/preverify.js";
import { NodeMetrics, startMetricsServer } from "./metrics.js";
import { homePaths, type NodeOptions } from "./options.js";
import { type P2PHost, startP2PHost } from "./p2p/host.js";
import { TxGossip } from "./p2p/tx-gossip.js";
import { parseLaddr, type RpcServer, startRpcServer } from "./rpc/server.js";
import { BlockStore } from "./store/block-store.js";
import { bytesEqual, CommittedStore } from "./store/committed-store.js";
import { type Db, openDb } from "./store/db.js";
import { TxIndex } from "./store/tx-index.js";
import { TxSenders } from "./tx-sender.js";
import { nodeIdFromPubKey } from "./types/ed25519.js";
import { readNodeKey, readPrivValidatorKey } from "./types/keyfile.js";
import { startFacilitator } from "./x402/service.js";

export class Node {
  private constructor(
    readonly genesis: GenesisDoc,
    readonly app: BaseApp,
    readonly mempool: Mempool,
    readonly blockStore: BlockStore,
    private readonly db: Db,
    /** SingleValidatorProducer with one genesis validator, BftEngine with more. */
    private readonly producer: { stop(): Promise<void> },
    private readonly rpc: RpcServer,
    private readonly p2p: P2PHost,
    private readonly metricsServer: Server | undefined,
    private readonly logger: Logger,
    private readonly content: ContentService,
    private readonly txGossip: TxGossip,
    private readonly worker: AttributionWorker | undefined,
    /** The node's own senders and the facilitator's block listener, released at stop. */
    private readonly release: () => void,
  ) {}

  get rpcPort(): number {
    return this.rpc.port;
  }

  /** Opens the home's state, replays what the app lacks, then serves RPC and produces blocks. */
  static async start(opts: NodeOptions, logger: Logger): Promise<Node> {
    const paths = homePaths(opts.home);
    const genesis = parseGenesisDoc(JSON.parse(await readFile(paths.genesis, "utf8")));
    const validatorKey = await readPrivValidatorKey(paths.privValidatorKey);
    const nodeKey = await readNodeKey(paths.nodeKey);
    const db = await openDb(paths.db);
    try {
      const committed = await CommittedStore.load(db, STORE_NAMES, { keepRecent: opts.pruningKeepRecent });
      const { modules, ante, signatures } = buildModules();
      const app = new BaseApp({ chainId: genesis.chainId, db, committed, modules, ante });
      const blockStore = await BlockStore.open(db);
      const txIndex = await TxIndex.open(db, logger);
      const metrics = new NodeMetrics();
      const mempool = new Mempool(app, opts.mempool);
      const contentStore = new ContentStore(db, opts.content);
      const batchHooks = [new ContentIndexer(contentStore, logger)];
      const executor = new BlockExecutor({
        app,
        db,
        blockStore,
        txIndex,
        mempool,
        metrics,
        logger,
        batchHooks,
      });
      await handshake(app, genesis, blockStore, executor, logger);
      const multi = genesis.validators.length > 1;
      let producer: SingleValidatorProducer | undefined;
      let bft: BftService | undefined;
      let p2p: P2PHost;
      if (!multi) {
        producer = new SingleValidatorProducer({
          genesis,
          key: validatorKey,
          app,
          mempool,
          blockStore,
          executor,
          blockIntervalMs: opts.blockIntervalMs,
          logger,
          metrics,
        });
        await producer.init();
        p2p = await startP2PHost(opts.p2pLaddr, nodeKey);
      } else {
        if (!genesis.validators.some((v) => bytesEqual(v.pubKey, validatorKey.pubKey))) {
          logger.warn("this node's validator key is not in the genesis validator set; it will only follow");
        }
        p2p = await startP2PHost(opts.p2pLaddr, nodeKey, { gossipsub: bftGossipsubOptions(genesis.chainId) });
        bft = new BftService({
          db,
          genesis,
          app,
          mempool,
          blockStore,
          executor,
          validatorKey,
          privValidatorStatePath: paths.privValidatorState,
          walPath: paths.wal,
          host: p2p,
          persistentPeers: opts.persistentPeers ?? [],
          timeouts: opts.consensusTimeouts,
          metricsRegistry: metrics.registry,
          // The app holds a finalized, uncommitted block: only a restart (handshake replay) recovers.
          onFatal: () => process.exit(1),
          logger,
        });
      }
      const content = await ContentService.start({
        store: contentStore,
        app,
        blocks: executor,
        libp2p: p2p.libp2p,
        logger,
      });
      const idle = () => (bft ? bft.idle() : producer!.idle());
      const txGossip = new TxGossip(p2p, genesis.chainId, mempool, {
        logger,
        beforeAdd: idle,
        onAdmitted: () => metrics.mempoolSize.set(mempool.size),
      });
      const verifyPool = new VerifyPool(genesis.chainId);
      const preverifier = new SignaturePreverifier(app, signatures, verifyPool);
      const backend = new NodeBackend({
        genesis,
        app,
        blockStore,
        txIndex,
        mempool,
        executor,
        validatorKey,
        nodeId: nodeIdFromPubKey(nodeKey.pubKey),
        moniker: opts.moniker,
        p2pListenAddr: p2p.listenAddrs[0] ?? opts.p2pLaddr,
        peerId: p2p.peerId,
        idle,
        validatorSets: bft?.validatorHistory ?? new ValidatorHistory(db, genesis),
        onAdmitted: (tx) => void txGossip.publish(tx),
        preverify: (tx) => preverifier.preverify(tx),
        metrics,
      });
      const senders = new TxSenders({
        app,
        chainId: genesis.chainId,
        broadcast: (tx) => backend.broadcastTx(tx),
        inMempool: (hash) => mempool.has(hash),
        subscribe: (listener) => executor.subscribe(listener),
        logger,
      });
      const worker =
        opts.attributionOperator &&
        new AttributionWorker({
          app,
          chainId: genesis.chainId,
          consensusKey: validatorKey,
          sender: await senders.for(opts.attributionOperator),
          spanRoot: join(paths.data, "attribution", "span"),
          artifactsDir: join(paths.data, "models"),
          metricsRegistry: metrics.registry,
          contentOf: (hash) => contentStore.get(hash),
          logger,
        });
      if (worker) executor.subscribe(() => worker.onCommit());
      const x402 = await startFacilitator({
        app,
        chainId: genesis.chainId,
        sender: opts.x402Facilitator && (await senders.for(opts.x402Facilitator)),
        policy: opts.x402Policy,
        blockStore,
        blocks: executor,
        logger,
      });
      const rpc = await startRpcServer({
        laddr: opts.rpcLaddr,
        backend,
        cors: true,
        logger,
        maxBodyBytes: opts.rpcMaxBodyBytes,
        routes: [content.httpRoute, x402.route, explorerRoute()],
      });
      let metricsServer: Server | undefined;
      if (opts.metricsLaddr) {
        const { host, port } = parseLaddr(opts.metricsLaddr);
        metricsServer = await startMetricsServer(metrics, host, port);
      }
      txGossip.start();
      if (bft) await bft.start();
      else producer!.start();
      logger.info(
        {
          chainId: genesis.chainId,
          height: blockStore.height.toString(),
          rpc: `${opts.rpcLaddr}`,
          rpcPort: rpc.port,
          validators: genesis.validators.length,
          peerId: p2p.peerId,
        },
        "node started",
      );
      return new Node(
        genesis,
        app,
        mempool,
        blockStore,
        db,
        (bft ?? producer)!,
        rpc,
        p2p,
        metricsServer,
        logger,
        content,
        txGossip,
        worker || undefined,
        () => {
          x402.stop();
          senders.close();
          void verifyPool.close();
        },
      );
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /** Stops producing, finishes the block in flight, closes servers and the database. */
  async stop(): Promise<void> {
    await this.worker?.stop();
    await this.producer.stop();
    this.release();
    await this.rpc.close();
    await this.content.stop();
    this.txGossip.stop();
    await this.p2p.stop();
    await new Promise<void>((resolve) =>
      this.metricsServer ? this.metricsServer.close(() => resolve()) : resolve(),
    );
    await this.db.close();
    this.logger.info("node stopped");
  }
}
