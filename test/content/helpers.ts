// Content store test helpers: real LevelDBs in temporary directories, real libp2p hosts on
// 127.0.0.1, a logger that keeps its lines, and a "chain node": a real app (signed txs through
// BaseApp) with a block store, tx index, block executor and content store on one LevelDB, so that
// two of them running the same blocks stand in for two nodes of one chain.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { pino } from "pino";
import { buildBlock, emptyCommit, signCommit } from "../../node/consensus/block-builder.js";
import { BlockExecutor } from "../../node/consensus/block-executor.js";
import { ContentIndexer } from "../../node/content/indexer.js";
import { ContentStore } from "../../node/content/store.js";
import type { Logger } from "../../node/logger.js";
import { type P2PHost, startP2PHost } from "../../node/p2p/host.js";
import type { HttpRoute } from "../../node/rpc/server.js";
import { startRpcServer } from "../../node/rpc/server.js";
import { BlockStore } from "../../node/store/block-store.js";
import { type Db, openDb } from "../../node/store/db.js";
import { TxIndex } from "../../node/store/tx-index.js";
import { generateKey } from "../../node/types/ed25519.js";
import { buildTx, CHAIN_ID, genesisApp, type Signer, sequenceOf, type TestApp } from "../app/helpers.js";
import { appState, TEST_PARAMS } from "../datanets/helpers.js";
import { TestBackend } from "../rpc/fixture.js";

/** Datanets params that let a contribution declare content of a few chunks. */
export const BIG_PARAMS = {
  ...TEST_PARAMS,
  max_content_bytes: "2000000",
  contributor_daily_bytes: "8000000",
  datanet_daily_bytes: "8000000",
};
export const bigState = () => appState({ params: BIG_PARAMS });

/** A real RPC server (JSON-RPC over a test backend) that also serves `route`. */
export async function httpServer(route: HttpRoute): Promise<{ url: string; close(): Promise<void> }> {
  const backend = await TestBackend.create();
  const rpc = await startRpcServer({ laddr: "tcp://127.0.0.1:0", backend, routes: [route] });
  return {
    url: `http://127.0.0.1:${rpc.port}`,
    async close() {
      await rpc.close();
      await backend.destroy();
    },
  };
}

export interface TempStore {
  db: Db;
  store: ContentStore;
  close(): Promise<void>;
}

export async function tempStore(maxContentBytes?: number): Promise<TempStore> {
  const dir = await mkdtemp(join(tmpdir(), "openledger-content-"));
  const db = await openDb(dir);
  return {
    db,
    store: new ContentStore(db, { maxContentBytes }),
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function startHost(): Promise<P2PHost> {
  return startP2PHost("/ip4/127.0.0.1/tcp/0", generateKey());
}

/** Dials b from a and waits until both see the connection. */
export async function connect(a: P2PHost, b: P2PHost): Promise<void> {
  await a.libp2p.dial(b.libp2p.getMultiaddrs()[0]!);
  for (let i = 0; i < 100 && b.libp2p.getPeers().length === 0; i++) await sleep(10);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Deterministic pseudo-random bytes. */
export function bytesOf(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A pino logger whose lines are kept as objects. */
export function memoryLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: "debug", base: undefined }, sink), lines };
}

/** One node's state: app, block store, tx index, content store and block executor on one LevelDB. */
export class ChainNode {
  readonly store: ContentStore;
  readonly executor: BlockExecutor;
  private readonly key = generateKey();

  private constructor(
    readonly t: TestApp,
    readonly blockStore: BlockStore,
  ) {
    this.store = new ContentStore(t.db);
    this.executor = new BlockExecutor({
      app: t.app,
      db: t.db,
      blockStore,
      txIndex: new TxIndex(t.db),
      batchHooks: [new ContentIndexer(this.store)],
    });
  }

  static async start(appState: Record<string, unknown>): Promise<ChainNode> {
    const t = await genesisApp(appState);
    return new ChainNode(t, await BlockStore.open(t.db));
  }

  get app() {
    return this.t.app;
  }

  /** A tx signed with the signer's current sequence on this node (the same bytes run on others). */
  async sign(by: Signer, ...msgs: EncodeObject[]): Promise<Uint8Array> {
    const gas = 200_000 * msgs.length;
    return (await buildTx(by, { msgs, gas, sequence: sequenceOf(this.app, by.address) })).bytes;
  }

  /** Builds, signs and applies the next block (a one-validator commit); answers its results. */
  async block(txs: Uint8Array[]) {
    const height = this.blockStore.height + 1n;
    const time = { seconds: 1_700_000_000n + height, nanos: 0 };
    const built = buildBlock({
      chainId: CHAIN_ID,
      height,
      time,
      lastCommit: emptyCommit(),
      txs,
      validators: [],
      nextValidators: [],
      maxBytes: 4_194_304n,
      maxGas: -1n,
      appHash: this.app.info().lastBlockAppHash,
      lastResultsHash: new Uint8Array(32),
      proposerAddress: this.key.address,
    });
    const commit = signCommit(CHAIN_ID, height, built.blockId, time, this.key);
    return this.executor.apply({ block: built.block, blockId: built.blockId }, built.bytes, commit);
  }

  close(): Promise<void> {
    return this.t.close();
  }
}
