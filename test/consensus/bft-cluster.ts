// In-process BFT validators for tests: each node has its own LevelDB app, block store, libp2p host on
// 127.0.0.1 and BftService (engine, WAL, privval, block sync), as node.ts wires them. A node can be
// closed and reopened on the same directory (as a restart after a crash or a stop).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { buildModules, STORE_NAMES } from "../../modules/index.js";
import { BaseApp } from "../../node/app/baseapp.js";
import { bftGossipsubOptions } from "../../node/consensus/bft/engine-gossip.js";
import { BftService } from "../../node/consensus/bft/service.js";
import type { TimeoutConfig } from "../../node/consensus/bft/timeouts.js";
import { BlockExecutor } from "../../node/consensus/block-executor.js";
import { handshake } from "../../node/consensus/handshake.js";
import { devGenesis, loadDevAccounts } from "../../node/genesis/dev-genesis.js";
import { type GenesisDoc, parseGenesisDoc } from "../../node/genesis/genesis-doc.js";
import { setGenesisValidators } from "../../node/genesis/genesis-validators.js";
import { Mempool } from "../../node/mempool/mempool.js";
import { type P2PHost, startP2PHost } from "../../node/p2p/host.js";
import { BlockStore } from "../../node/store/block-store.js";
import { CommittedStore } from "../../node/store/committed-store.js";
import { type Db, openDb } from "../../node/store/db.js";
import { TxIndex } from "../../node/store/tx-index.js";
import { type Ed25519Key, keyFromSecret } from "../../node/types/ed25519.js";
import { nowTimestamp, timestampToRfc3339 } from "../../node/types/time.js";

export const FAST_TIMEOUTS: Partial<TimeoutConfig> = {
  propose: 500,
  proposeDelta: 100,
  prevote: 200,
  prevoteDelta: 100,
  precommit: 200,
  precommitDelta: 100,
  commit: 200,
};

export interface ClusterNode {
  index: number;
  dir: string;
  db: Db;
  app: BaseApp;
  blockStore: BlockStore;
  mempool: Mempool;
  host: P2PHost;
  service: BftService;
  metrics: Registry;
  closed: boolean;
}

export function validatorKeys(n: number, label: string): Ed25519Key[] {
  return Array.from({ length: n }, (_, i) => keyFromSecret(`${label}-validator-${i}`));
}

/** The dev genesis with the given validators (power 10 each), starting now. */
export function clusterGenesis(keys: readonly Ed25519Key[]): GenesisDoc {
  const accounts = loadDevAccounts();
  const json = devGenesis(keys[0]!.pubKey, accounts);
  json.genesis_time = timestampToRfc3339(nowTimestamp());
  setGenesisValidators(
    json,
    keys.map((k, i) => ({
      pubKey: k.pubKey,
      power: 10n,
      name: `validator-${i}`,
      operator: accounts[i]!.address,
    })),
  );
  return parseGenesisDoc(json);
}

export interface OpenNodeOptions {
  /** Reopen this directory (a restart); a new temp directory otherwise. */
  dir?: string;
  /** Multiaddrs with /p2p/<id> to keep dialled. */
  persistentPeers?: string[];
  initialSyncWaitMs?: number;
}

/** Opens (or reopens) a node and starts its consensus service. */
export async function openNode(
  index: number,
  genesis: GenesisDoc,
  key: Ed25519Key,
  opts: OpenNodeOptions = {},
): Promise<ClusterNode> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), `openledger-cluster-${index}-`)));
  const db = await openDb(join(dir, "db"));
  const committed = await CommittedStore.load(db, STORE_NAMES);
  const { modules, ante } = buildModules();
  const app = new BaseApp({ chainId: genesis.chainId, db, committed, modules, ante });
  const blockStore = await BlockStore.open(db);
  const mempool = new Mempool(app);
  const executor = new BlockExecutor({ app, db, blockStore, txIndex: new TxIndex(db), mempool });
  await handshake(app, genesis, blockStore, executor);
  const host = await startP2PHost("/ip4/127.0.0.1/tcp/0", keyFromSecret(`cluster-node-${index}`), {
    gossipsub: bftGossipsubOptions(genesis.chainId),
  });
  const metrics = new Registry();
  const service = new BftService({
    db,
    genesis,
    app,
    mempool,
    blockStore,
    executor,
    validatorKey: key,
    privValidatorStatePath: join(dir, "priv_validator_state.json"),
    walPath: join(dir, "cs.wal", "wal"),
    host,
    persistentPeers: opts.persistentPeers ?? [],
    timeouts: FAST_TIMEOUTS,
    metricsRegistry: metrics,
    initialSyncWaitMs: opts.initialSyncWaitMs ?? 0,
  });
  return { index, dir, db, app, blockStore, mempool, host, service, metrics, closed: false };
}

/** The address other nodes dial: listen address plus /p2p/<peer id>. */
export function dialAddr(n: ClusterNode): string {
  const addr = n.host.listenAddrs[0]!;
  return addr.includes("/p2p/") ? addr : `${addr}/p2p/${n.host.peerId}`;
}

/** Stops consensus and p2p and closes the database; the directory stays for a reopen. */
export async function closeNode(n: ClusterNode): Promise<void> {
  if (n.closed) return;
  n.closed = true;
  try {
    await n.service.stop();
    await n.host.stop();
  } finally {
    await n.db.close();
  }
}

export async function removeNode(n: ClusterNode): Promise<void> {
  await closeNode(n);
  await rm(n.dir, { recursive: true, force: true });
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString("hex");

/** Block hash and app hash (after the block) of every height up to `upTo`. */
export async function chainView(n: Pick<ClusterNode, "blockStore">, upTo: bigint): Promise<string[]> {
  const out: string[] = [];
  for (let h = 1n; h <= upTo; h++) {
    const b = await n.blockStore.block(h);
    const r = await n.blockStore.results(h);
    out.push(`${h}:${hex(b?.blockId.hash)}:${hex(r?.appHash)}`);
  }
  return out;
}
