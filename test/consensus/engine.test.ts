// Four validators in one process, each with its own LevelDB app, libp2p host and BFT engine,
// connected in a full mesh: they agree on blocks and app hashes, commit a bank send submitted to one
// node's mempool, and keep committing with one of the four stopped.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildModules, STORE_NAMES } from "../../modules/index.js";
import { BaseApp } from "../../node/app/baseapp.js";
import { EvidencePool } from "../../node/consensus/bft/evidence-pool.js";
import { BftEngine, bftGossipsubOptions, FilePV, Wal } from "../../node/consensus/bft/index.js";
import { ValidatorHistory } from "../../node/consensus/bft/validator-history.js";
import { BlockExecutor } from "../../node/consensus/block-executor.js";
import { handshake } from "../../node/consensus/handshake.js";
import type { GenesisDoc } from "../../node/genesis/genesis-doc.js";
import { Mempool } from "../../node/mempool/mempool.js";
import { connect } from "../../node/p2p/consensus-gossip.js";
import { type P2PHost, startP2PHost } from "../../node/p2p/host.js";
import { BlockStore } from "../../node/store/block-store.js";
import { CommittedStore } from "../../node/store/committed-store.js";
import { type Db, openDb } from "../../node/store/db.js";
import { TxIndex } from "../../node/store/tx-index.js";
import { type Ed25519Key, keyFromSecret } from "../../node/types/ed25519.js";
import { balance, buildTx, coin, devAddress, msgSend, signer } from "../app/helpers.js";
import { chainView, clusterGenesis, hex, waitFor } from "./bft-cluster.js";

interface TestNode {
  index: number;
  dir: string;
  db: Db;
  app: BaseApp;
  blockStore: BlockStore;
  mempool: Mempool;
  wal: Wal;
  host: P2PHost;
  engine: BftEngine;
  stopped: boolean;
}

const TIMEOUTS = {
  propose: 500,
  proposeDelta: 100,
  prevote: 200,
  prevoteDelta: 100,
  precommit: 200,
  precommitDelta: 100,
  commit: 200,
};

const keys: Ed25519Key[] = [0, 1, 2, 3].map((i) => keyFromSecret(`engine-test-validator-${i}`));

function makeGenesis(): GenesisDoc {
  return clusterGenesis(keys);
}

async function startNode(index: number, genesis: GenesisDoc): Promise<TestNode> {
  const dir = await mkdtemp(join(tmpdir(), `openledger-bft-${index}-`));
  const db = await openDb(join(dir, "db"));
  const committed = await CommittedStore.load(db, STORE_NAMES);
  const { modules, ante } = buildModules();
  const app = new BaseApp({ chainId: genesis.chainId, db, committed, modules, ante });
  const blockStore = await BlockStore.open(db);
  const txIndex = new TxIndex(db);
  const mempool = new Mempool(app);
  const executor = new BlockExecutor({ app, db, blockStore, txIndex, mempool });
  await handshake(app, genesis, blockStore, executor);
  const privval = FilePV.fromKey(keys[index]!, join(dir, "priv_validator_state.json"));
  const wal = Wal.open(join(dir, "cs.wal", "wal"));
  const host = await startP2PHost("/ip4/127.0.0.1/tcp/0", keyFromSecret(`engine-test-node-${index}`), {
    gossipsub: bftGossipsubOptions(genesis.chainId),
  });
  const engine = new BftEngine({
    genesis,
    app,
    mempool,
    blockStore,
    executor,
    privval,
    wal,
    host,
    validatorHistory: new ValidatorHistory(db, genesis),
    evidence: new EvidencePool(genesis.chainId, db),
    timeouts: TIMEOUTS,
    rebroadcastMs: 1000,
  });
  return { index, dir, db, app, blockStore, mempool, wal, host, engine, stopped: false };
}

async function stopNode(n: TestNode): Promise<void> {
  if (n.stopped) return;
  n.stopped = true;
  await n.engine.stop();
  await n.host.stop();
  n.wal.close();
}

describe("BFT engine: four validators over libp2p", function () {
  this.timeout(90_000);
  const nodes: TestNode[] = [];
  let genesis: GenesisDoc;

  before(async () => {
    genesis = makeGenesis();
    for (let i = 0; i < 4; i++) nodes.push(await startNode(i, genesis));
    for (const a of nodes) {
      for (const b of nodes) {
        if (a.index < b.index) await connect(a.host, b.host.listenAddrs[0]!);
      }
    }
    for (const n of nodes) n.engine.gossip.start();
    await Promise.all(nodes.map((n) => n.engine.gossip.waitForPeers(3, 15_000)));
    for (const n of nodes) await n.engine.start();
  });

  after(async () => {
    for (const n of nodes) {
      try {
        await stopNode(n);
      } finally {
        await n.db.close();
        await rm(n.dir, { recursive: true, force: true });
      }
    }
  });

  it("reaches height 5 with identical block hashes and app hashes", async () => {
    await waitFor("height 5 on every node", () => nodes.every((n) => n.blockStore.height >= 5n), 40_000);
    const views = await Promise.all(nodes.map((n) => chainView(n, 5n)));
    for (const v of views.slice(1)) assert.deepEqual(v, views[0]);
    for (const n of nodes) assert.ok(n.engine.height >= 6n);
  });

  it("commits a bank send from one node's mempool in a block all four agree on", async () => {
    const alice = await signer("alice");
    const bob = devAddress("bob");
    const before = balance(nodes[0]!.app, bob);
    const tx = await buildTx(alice, {
      msgs: [msgSend(alice.address, bob, [coin(12345)])],
      chainId: genesis.chainId,
    });
    const check = nodes[2]!.mempool.add(tx.bytes);
    assert.equal(check.code, 0, check.log);
    // The app's state changes in FinalizeBlock, before the block's batch is written: wait for the
    // block store (and the balance) on every node rather than the balance alone.
    const txHex = hex(tx.bytes);
    const found = new Map<number, string>();
    await waitFor(
      "the send in every node's block store",
      async () => {
        for (const n of nodes) {
          if (found.has(n.index)) continue;
          for (let h = n.blockStore.height; h >= 1n; h--) {
            const b = await n.blockStore.block(h);
            if (b?.block.data?.txs.some((t) => hex(t) === txHex)) {
              found.set(n.index, `${h}:${hex(b.blockId.hash)}`);
              break;
            }
          }
        }
        return found.size === nodes.length;
      },
      20_000,
    );
    for (const n of nodes) assert.equal(balance(n.app, bob), before + 12345n);
    const places = [...found.values()];
    assert.equal(places.length, 4);
    assert.ok(
      places.every((f) => f === places[0]),
      places.join(" "),
    );
  });

  it("keeps committing with one validator of four stopped", async () => {
    const victim = nodes[3]!;
    await stopNode(victim);
    const live = nodes.slice(0, 3);
    let start = 0n;
    for (const n of live) if (n.blockStore.height > start) start = n.blockStore.height;
    const target = start + 3n;
    await waitFor(
      `height ${target} on the three live nodes`,
      () => live.every((n) => n.blockStore.height >= target),
      30_000,
    );
    const views = await Promise.all(live.map((n) => chainView(n, target)));
    for (const v of views.slice(1)) assert.deepEqual(v, views[0]);
  });
});
