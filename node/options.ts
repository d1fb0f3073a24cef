// Every node default in one place. The CLI maps flags onto these.

import type { OfflineDirectSigner } from "@cosmjs/proto-signing";
import type { TimeoutConfig } from "./consensus/bft/timeouts.js";
import { type ContentOptions, DEFAULT_CONTENT_OPTIONS } from "./content/store.js";
import { DEFAULT_MEMPOOL_OPTIONS, type MempoolOptions } from "./mempool/mempool.js";
import { DEFAULT_KEEP_RECENT } from "./store/state-history.js";
import type { FacilitatorPolicy } from "./x402/facilitator.js";

export interface NodeOptions {
  /** Node home: config/ (genesis, keys) and data/ (LevelDB). */
  home: string;
  moniker: string;
  /** CometBFT-style RPC listen address. */
  rpcLaddr: string;
  /** libp2p multiaddr the node listens on. */
  p2pLaddr: string;
  /** Prometheus listen address; "" disables metrics. */
  metricsLaddr: string;
  /** Target time between blocks. */
  blockIntervalMs: number;
  /** Recent heights whose state stays queryable, the latest included (≥ 1): history and proofs. */
  pruningKeepRecent: number;
  logFormat: "json" | "plain";
  mempool: MempoolOptions;
  /** Largest JSON-RPC request body. */
  rpcMaxBodyBytes: number;
  /** Content store (node/content/): size cap of content pushed, fetched or committed inline. */
  content?: ContentOptions;
  /** Multi-validator genesis only: peers to dial and keep connected (multiaddrs ending /p2p/<peer id>). */
  persistentPeers?: string[];
  /** Multi-validator genesis only: BFT timeouts overriding CometBFT's defaults (ms). */
  consensusTimeouts?: Partial<TimeoutConfig>;
  /** The validator's operator account: with it the node runs the attribution worker. */
  attributionOperator?: OfflineDirectSigner;
  /** The x402 facilitator's account (signs and pays for settlements): with it /x402/ is served. */
  x402Facilitator?: OfflineDirectSigner;
  /** What the facilitator agrees to settle (its account pays the gas): minimum amount, payees. */
  x402Policy?: FacilitatorPolicy;
}

export const DEFAULT_NODE_OPTIONS: Omit<NodeOptions, "home"> = {
  moniker: "openledger-node",
  rpcLaddr: "tcp://127.0.0.1:26657",
  p2pLaddr: "/ip4/127.0.0.1/tcp/26656",
  metricsLaddr: "tcp://127.0.0.1:26660",
  blockIntervalMs: 1000,
  pruningKeepRecent: DEFAULT_KEEP_RECENT,
  logFormat: "json",
  mempool: { ...DEFAULT_MEMPOOL_OPTIONS, maxTxBytes: 256 * 1024 },
  rpcMaxBodyBytes: 4 * 1024 * 1024,
  content: DEFAULT_CONTENT_OPTIONS,
};

/** Paths inside a node home, as CometBFT lays them out. */
export function homePaths(home: string) {
  return {
    config: `${home}/config`,
    genesis: `${home}/config/genesis.json`,
    privValidatorKey: `${home}/config/priv_validator_key.json`,
    nodeKey: `${home}/config/node_key.json`,
    data: `${home}/data`,
    db: `${home}/data/openledger.db`,
    privValidatorState: `${home}/data/priv_validator_state.json`,
    wal: `${home}/data/cs.wal/wal`,
  };
}
