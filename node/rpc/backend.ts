// What the RPC layer needs from the node. The node implements RpcBackend; the RPC layer owns all
// JSON encoding, parameter validation, height defaulting/bounds checks and pagination.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type {
  ResponseCheckTx,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseQuery,
} from "cosmjs-types/tendermint/abci/types";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import type { BlockID, BlockMeta, SignedHeader } from "cosmjs-types/tendermint/types/types";
import type { Validator } from "cosmjs-types/tendermint/types/validator";
import type { TxIndexReader } from "../store/tx-index.js";

/** One end of the stored chain. */
export interface ChainPoint {
  height: bigint;
  blockHash: Uint8Array;
  /** The app hash in that block's header (the state after height-1). */
  appHash: Uint8Array;
  time: Timestamp;
}

export interface NodeStatus {
  chainId: string;
  /** Hex node id (CometBFT: hex of the first 20 bytes of sha256(p2p ed25519 pubkey)). */
  nodeId: string;
  /** p2p listen address, e.g. "tcp://0.0.0.0:26656" or a multiaddr. */
  listenAddr: string;
  moniker: string;
  /** Extra string fields for node_info.other (tx_index and rpc_address are filled in by the RPC). */
  other?: Record<string, string>;
  /** This node's consensus key; votingPower 0 when it is not in the validator set. */
  validator: { address: Uint8Array; pubKey: Uint8Array; votingPower: bigint };
  /** Before the first block: height 0, empty hashes, genesis time (the RPC writes zero hashes). */
  latest: ChainPoint;
  earliest: ChainPoint;
  catchingUp: boolean;
}

export interface BlockWithId {
  blockId: BlockID;
  block: Block;
}

export interface CommitResult {
  signedHeader: SignedHeader;
  /** false when the commit is the node's own seen commit for the latest height. */
  canonical: boolean;
}

export interface UnconfirmedTxs {
  /** At most the requested number of txs, in mempool order. */
  txs: Uint8Array[];
  /** Number of txs in the mempool. */
  total: number;
  totalBytes: number;
}

export interface PeerInfo {
  nodeId: string;
  moniker: string;
  network: string;
  listenAddr: string;
  remoteIp: string;
  isOutbound: boolean;
}

export interface NetInfo {
  listening: boolean;
  listeners: string[];
  peers: PeerInfo[];
}

/** Emitted once per committed block, after it and its tx index entries are durably stored. */
export interface CommittedBlockEvent {
  block: Block;
  blockId: BlockID;
  /** txResults[i] is the result of block.data.txs[i]. */
  resultFinalizeBlock: ResponseFinalizeBlock;
}

export interface RpcBackend {
  status(): Promise<NodeStatus>;
  /** Cheap: the stored range of heights (0, 0 before the first block). */
  heights(): { earliest: bigint; latest: bigint };

  /** Heights are in [earliest, latest] (the RPC checks); undefined when missing. */
  block(height: bigint): Promise<BlockWithId | undefined>;
  blockByHash(hash: Uint8Array): Promise<BlockWithId | undefined>;
  /** Metas for min..max inclusive (≤ 20 heights), any order; missing heights are skipped. */
  blockMetas(minHeight: bigint, maxHeight: bigint): Promise<BlockMeta[]>;
  commit(height: bigint): Promise<CommitResult | undefined>;
  blockResults(height: bigint): Promise<ResponseFinalizeBlock | undefined>;
  /** The validator set that signs block `height`, sorted as CometBFT sorts it. */
  validators(height: bigint): Promise<Validator[] | undefined>;
  consensusParams(height: bigint): Promise<ConsensusParams | undefined>;
  /** The genesis document as CometBFT writes it (genesis_time, chain_id, ..., app_state). */
  genesis(): Promise<unknown>;

  abciInfo(): Promise<ResponseInfo>;
  /** height 0n: latest. The response must carry a non-zero height. */
  abciQuery(req: { path: string; data: Uint8Array; height: bigint; prove: boolean }): Promise<ResponseQuery>;
  /** CheckTx only; nothing enters the mempool. */
  checkTx(tx: Uint8Array): Promise<ResponseCheckTx>;
  /**
   * CheckTx and, when code is 0, mempool insertion and gossip. Throws (→ JSON-RPC -32603 with the
   * message as data) when the tx cannot even be checked: "tx already exists in cache", mempool full.
   */
  broadcastTx(tx: Uint8Array): Promise<ResponseCheckTx>;
  unconfirmedTxs(limit: number): Promise<UnconfirmedTxs>;
  netInfo(): Promise<NetInfo>;

  readonly txIndex: TxIndexReader;

  /** Calls listener for every committed block; returns the unsubscribe function. */
  subscribe(listener: (event: CommittedBlockEvent) => void): () => void;
}
