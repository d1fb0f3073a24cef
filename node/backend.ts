// The node's side of the RPC seam: answers the RpcBackend from the stores, the app, the mempool
// and the block producer. Only reads, except broadcastTx (mempool admission).
import type { ResponseCheckTx, ResponseInfo, ResponseQuery } from "cosmjs-types/tendermint/abci/types";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { BlockMeta } from "cosmjs-types/tendermint/types/types";
import type { Validator } from "cosmjs-types/tendermint/types/validator";
import type { Application } from "./app/application.js";
import type { ValidatorHistory } from "./consensus/bft/validator-history.js";
import type { BlockExecutor } from "./consensus/block-executor.js";
import type { GenesisDoc } from "./genesis/genesis-doc.js";
import type { Mempool } from "./mempool/mempool.js";
import type { NodeMetrics } from "./metrics.js";
import type {
  BlockWithId,
  ChainPoint,
  CommitResult,
  CommittedBlockEvent,
  NetInfo,
  NodeStatus,
  RpcBackend,
  UnconfirmedTxs,
} from "./rpc/backend.js";
import type { BlockStore } from "./store/block-store.js";
import type { TxIndex } from "./store/tx-index.js";
import type { Ed25519Key } from "./types/ed25519.js";
import { validatorToProto } from "./types/validator.js";

export interface BackendDeps {
  /** Called with each tx broadcast_tx admitted (node.ts: TxGossip.publish). */
  onAdmitted?: (tx: Uint8Array) => void;
  /** Checks a tx's signature off the main thread before CheckTx (node.ts: SignaturePreverifier). */
  preverify?: (tx: Uint8Array) => Promise<void>;
  genesis: GenesisDoc;
  app: Application;
  blockStore: BlockStore;
  txIndex: TxIndex;
  mempool: Mempool;
  executor: BlockExecutor;
  validatorKey: Ed25519Key;
  nodeId: string;
  moniker: string;
  p2pListenAddr: string;
  /** libp2p peer id, derived from the node key. */
  peerId: string;
  /** Resolves when no block is being applied; admission waits for it. */
  idle: () => Promise<void>;
  metrics?: NodeMetrics;
  /** The validator set of a height (stored sets; the genesis set before any is stored). */
  validatorSets: ValidatorHistory;
}

export class NodeBackend implements RpcBackend {
  readonly txIndex: TxIndex;

  constructor(private readonly d: BackendDeps) {
    this.txIndex = d.txIndex;
  }

  async status(): Promise<NodeStatus> {
    const { genesis, blockStore, validatorKey } = this.d;
    const set = await this.validatorSet(blockStore.height + 1n);
    const power = set.find((v) => Buffer.compare(v.pubKey, validatorKey.pubKey) === 0)?.votingPower;
    return {
      chainId: genesis.chainId,
      nodeId: this.d.nodeId,
      listenAddr: this.d.p2pListenAddr,
      moniker: this.d.moniker,
      other: { libp2p_peer_id: this.d.peerId },
      validator: { address: validatorKey.address, pubKey: validatorKey.pubKey, votingPower: power ?? 0n },
      latest: await this.point(blockStore.height),
      earliest: await this.point(blockStore.base),
      catchingUp: false,
    };
  }

  private async point(height: bigint): Promise<ChainPoint> {
    const meta = height > 0n ? await this.d.blockStore.meta(height) : undefined;
    if (!meta?.header || !meta.blockId) {
      return {
        height: 0n,
        blockHash: new Uint8Array(0),
        appHash: new Uint8Array(0),
        time: this.d.genesis.genesisTime,
      };
    }
    return { height, blockHash: meta.blockId.hash, appHash: meta.header.appHash, time: meta.header.time };
  }

  heights(): { earliest: bigint; latest: bigint } {
    return { earliest: this.d.blockStore.base, latest: this.d.blockStore.height };
  }

  block(height: bigint): Promise<BlockWithId | undefined> {
    return this.d.blockStore.block(height);
  }

  async blockByHash(hash: Uint8Array): Promise<BlockWithId | undefined> {
    const height = await this.d.blockStore.heightOf(hash);
    return height === undefined ? undefined : this.d.blockStore.block(height);
  }

  async blockMetas(minHeight: bigint, maxHeight: bigint): Promise<BlockMeta[]> {
    const out: BlockMeta[] = [];
    for (let h = maxHeight; h >= minHeight; h--) {
      const meta = await this.d.blockStore.meta(h);
      if (meta) out.push(meta);
    }
    return out;
  }

  async commit(height: bigint): Promise<CommitResult | undefined> {
    const [meta, found] = await Promise.all([
      this.d.blockStore.meta(height),
      this.d.blockStore.commit(height),
    ]);
    if (!meta?.header || !found) return undefined;
    return { signedHeader: { header: meta.header, commit: found.commit }, canonical: found.canonical };
  }

  blockResults(height: bigint) {
    return this.d.blockStore.results(height);
  }

  async validators(height: bigint): Promise<Validator[] | undefined> {
    if (height < 1n || height > this.d.blockStore.height + 1n) return undefined;
    return (await this.validatorSet(height)).map(validatorToProto);
  }

  /**
   * A multi-validator node stores every height's set (sets change with staking); a single-validator
   * node produces with the genesis set throughout, and stores none.
   */
  private async validatorSet(height: bigint) {
    const set = await this.d.validatorSets.load(height);
    return set?.validators ?? this.d.genesis.validators;
  }

  async consensusParams(height: bigint): Promise<ConsensusParams | undefined> {
    if (height < 1n || height > this.d.blockStore.height + 1n) return undefined;
    const p = this.d.genesis.json.consensus_params;
    return {
      block: { maxBytes: this.d.genesis.maxBytes, maxGas: this.d.genesis.maxGas },
      evidence: {
        maxAgeNumBlocks: BigInt(p.evidence.max_age_num_blocks),
        maxAgeDuration: { seconds: BigInt(p.evidence.max_age_duration) / 1_000_000_000n, nanos: 0 },
        maxBytes: BigInt(p.evidence.max_bytes),
      },
      validator: { pubKeyTypes: p.validator.pub_key_types },
      version: { app: BigInt(p.version.app) },
      abci: { voteExtensionsEnableHeight: BigInt(p.abci.vote_extensions_enable_height) },
    };
  }

  async genesis(): Promise<unknown> {
    return this.d.genesis.json;
  }

  async abciInfo(): Promise<ResponseInfo> {
    const info = this.d.app.info();
    return {
      data: "openledger",
      version: info.version,
      appVersion: info.appVersion,
      lastBlockHeight: info.lastBlockHeight,
      lastBlockAppHash: info.lastBlockAppHash,
    };
  }

  async abciQuery(req: {
    path: string;
    data: Uint8Array;
    height: bigint;
    prove: boolean;
  }): Promise<ResponseQuery> {
    return this.d.app.query(req);
  }

  async checkTx(tx: Uint8Array): Promise<ResponseCheckTx> {
    return this.d.app.checkTx(tx, "dryRun");
  }

  async broadcastTx(tx: Uint8Array): Promise<ResponseCheckTx> {
    await this.d.preverify?.(tx);
    await this.d.idle();
    const started = performance.now();
    const result = this.d.mempool.add(tx);
    if (result.code === 0) this.d.onAdmitted?.(tx);
    this.d.metrics?.checkTxSeconds.observe((performance.now() - started) / 1000);
    this.d.metrics?.mempoolSize.set(this.d.mempool.size);
    return result;
  }

  async unconfirmedTxs(limit: number): Promise<UnconfirmedTxs> {
    const { mempool } = this.d;
    return { txs: mempool.list(limit), total: mempool.size, totalBytes: mempool.totalBytes };
  }

  async netInfo(): Promise<NetInfo> {
    return { listening: true, listeners: [this.d.p2pListenAddr], peers: [] };
  }

  subscribe(listener: (event: CommittedBlockEvent) => void): () => void {
    return this.d.executor.subscribe(listener);
  }
}
