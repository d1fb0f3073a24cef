// Mempool tx gossip between three libp2p hosts on 127.0.0.1 in a line (A - B - C), each with its own
// BaseApp (temporary LevelDB, dev genesis) and Mempool: real cosmjs-signed bank sends travel the
// line, duplicates and stateful failures are ignored, and garbage, oversized, wrongly signed or
// malleated txs are rejected, relayed nowhere and cost the sender peer score.
import assert from "node:assert/strict";
import { peerIdFromString } from "@libp2p/peer-id";
import { BinaryWriter } from "cosmjs-types/binary";
import { isCanonicalTxRaw } from "../../node/app/tx.js";
import { bftGossipsubOptions } from "../../node/consensus/bft/index.js";
import { DEFAULT_MEMPOOL_OPTIONS, Mempool } from "../../node/mempool/mempool.js";
import { connect, consensusTopic } from "../../node/p2p/consensus-gossip.js";
import { type P2PHost, startP2PHost } from "../../node/p2p/host.js";
import { TxGossip, txGossipsubOptions, txTopic, txVerdict } from "../../node/p2p/tx-gossip.js";
import { generateKey } from "../../node/types/ed25519.js";
import {
  type BuiltTx,
  buildTx,
  CHAIN_ID,
  coin,
  devAddress,
  genesisApp,
  msgSend,
  signer,
  type TestApp,
  withSignatures,
} from "../app/helpers.js";

const MAX_TX_BYTES = 4096;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface TxNode {
  t: TestApp;
  mempool: Mempool;
  host: P2PHost;
  gossip: TxGossip;
  has(tx: Uint8Array): boolean;
  score(peer: TxNode): number;
  raw(data: Uint8Array): Promise<void>;
}

/** withScoreParams: the host is started with txGossipsubOptions, else start() installs them. */
async function startNode(withScoreParams: boolean): Promise<TxNode> {
  const t = await genesisApp();
  const mempool = new Mempool(t.app, { ...DEFAULT_MEMPOOL_OPTIONS, maxTxBytes: MAX_TX_BYTES });
  const base = bftGossipsubOptions(CHAIN_ID);
  const host = await startP2PHost("/ip4/127.0.0.1/tcp/0", generateKey(), {
    gossipsub: withScoreParams ? txGossipsubOptions(CHAIN_ID, base) : base,
  });
  const gossip = new TxGossip(host, CHAIN_ID, mempool);
  gossip.start();
  const pubsub = host.libp2p.services.pubsub as {
    getScore(id: string): number;
    publish(topic: string, data: Uint8Array): Promise<unknown>;
  };
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  return {
    t,
    mempool,
    host,
    gossip,
    has: (tx) => mempool.list(1000).some((m) => hex(m) === hex(tx)),
    score: (peer) => pubsub.getScore(peer.host.peerId),
    // Bypasses TxGossip's own checks, as a faulty or malicious peer would.
    raw: async (data) => {
      await pubsub.publish(txTopic(CHAIN_ID), data);
    },
  };
}

async function send(from: "alice" | "bob" | "carol", sequence = 0n, amount = 1000): Promise<BuiltTx> {
  const s = await signer(from);
  return buildTx(s, { msgs: [msgSend(s.address, devAddress("dave"), [coin(amount)])], sequence });
}

/** A TxRaw with a trailing unknown field: same signed content, another hash. */
function malleate(tx: Uint8Array): Uint8Array {
  const extra = BinaryWriter.create()
    .uint32((9 << 3) | 0)
    .uint64(1n)
    .finish();
  return new Uint8Array([...tx, ...extra]);
}

describe("tx gossip: topic, verdicts, canonical encoding", () => {
  it("names the topic after the chain id, as the consensus topics", () => {
    assert.equal(txTopic("openledger-1"), "/openledger/openledger-1/mempool/tx/1");
    assert.equal(consensusTopic("openledger-1", "vote").split("/")[2], txTopic("openledger-1").split("/")[2]);
    assert.throws(() => txTopic("a/b"));
    assert.throws(() => txTopic(""));
  });

  it("maps CheckTx codes: decode, signature and size failures reject, the rest ignore", () => {
    const sdk = (code: number) => txVerdict({ code, codespace: "sdk" });
    assert.equal(sdk(0), "accept");
    assert.deepEqual([2, 4, 21].map(sdk), ["reject", "reject", "reject"]);
    // Sequence, funds, fee, already seen, mempool full, unknown account: honest races.
    assert.deepEqual([32, 5, 13, 19, 20, 9].map(sdk), Array(6).fill("ignore"));
    assert.equal(txVerdict({ code: 4, codespace: "bank" }), "ignore");
    assert.equal(txVerdict({ code: 1, codespace: "undefined" }), "ignore");
  });

  it("adds the tx topic's score parameters to the consensus options", () => {
    const opts = txGossipsubOptions(CHAIN_ID, bftGossipsubOptions(CHAIN_ID));
    const topics = Object.keys(opts.scoreParams?.topics ?? {});
    assert.ok(topics.includes(txTopic(CHAIN_ID)));
    assert.ok(topics.includes(consensusTopic(CHAIN_ID, "vote")));
    assert.equal(opts.seenTTL, bftGossipsubOptions(CHAIN_ID).seenTTL);
  });

  it("tells canonical TxRaw bytes from malleated copies", async () => {
    const tx = await send("carol");
    assert.ok(isCanonicalTxRaw(tx.bytes));
    assert.equal(isCanonicalTxRaw(malleate(tx.bytes)), false);
    assert.equal(isCanonicalTxRaw(new Uint8Array([0xff, 0xff])), false);
  });
});

describe("tx gossip: 3 hosts in a line (A - B - C)", function () {
  this.timeout(60_000);
  let nodes: TxNode[] = [];
  let A: TxNode;
  let B: TxNode;
  let C: TxNode;

  before(async () => {
    // B starts without the tx topic's score parameters: TxGossip.start() installs them.
    nodes = [await startNode(true), await startNode(false), await startNode(true)];
    [A, B, C] = nodes as [TxNode, TxNode, TxNode];
    await connect(A.host, B.host.listenAddrs[0]!);
    await connect(B.host, C.host.listenAddrs[0]!);
    await Promise.all([A.gossip.waitForPeers(1), B.gossip.waitForPeers(2), C.gossip.waitForPeers(1)]);
  });

  after(async () => {
    for (const n of nodes) {
      n.gossip.stop();
      await n.host.stop();
      await n.t.close();
    }
  });

  let first: BuiltTx;

  it("a signed bank send admitted on A reaches the mempools of B and C", async () => {
    first = await send("alice");
    assert.equal(A.mempool.add(first.bytes).code, 0);
    assert.equal(await A.gossip.publish(first.bytes), 1);
    await until(() => B.has(first.bytes) && C.has(first.bytes), "the send in B's and C's mempools");
    assert.deepEqual(
      nodes.map((n) => n.mempool.size),
      [1, 1, 1],
    );
    assert.deepEqual([A.gossip.stats.published, B.gossip.stats.accepted, C.gossip.stats.accepted], [1, 1, 1]);
  });

  it("a duplicate is ignored: not admitted twice, not relayed, no penalty", async () => {
    // Gossipsub drops a repeat within its seen-cache window (1.5 s, pruned on heartbeats) before any
    // validator runs, and C's publish of bytes C has seen sends nothing: repeat until the window is
    // over at C and B, so that B's validator gets the duplicate.
    const ignoredBefore = B.gossip.stats.ignored;
    const end = Date.now() + 10_000;
    while (B.gossip.stats.ignored === ignoredBefore) {
      if (Date.now() > end) throw new Error("timed out waiting for B to ignore the duplicate");
      await C.raw(first.bytes);
      await sleep(250);
    }
    await sleep(300);
    assert.equal(A.gossip.stats.ignored + A.gossip.stats.accepted, 0, "not relayed to A");
    assert.deepEqual(
      nodes.map((n) => n.mempool.size),
      [1, 1, 1],
    );
    assert.ok(B.score(C) >= 0, `score ${B.score(C)}`);
  });

  it("a stateful failure (wrong sequence) is ignored without penalty", async () => {
    const ahead = await send("alice", 7n);
    const ignoredBefore = B.gossip.stats.ignored;
    const cBefore = { ...C.gossip.stats };
    await A.raw(ahead.bytes);
    await until(() => B.gossip.stats.ignored === ignoredBefore + 1, "B to ignore the tx");
    await sleep(300);
    assert.deepEqual(C.gossip.stats, cBefore, "not relayed to C");
    assert.ok(B.score(A) >= 0, `score ${B.score(A)}`);
    assert.equal(B.has(ahead.bytes), false);
  });

  it("garbage, oversized, wrongly signed and malleated txs are rejected and cost the sender", async () => {
    const bobTx = await send("bob");
    const badSig = await send("alice", 1n);
    const sig = Uint8Array.from(badSig.signature);
    sig[10] = sig[10]! ^ 1;
    const cBefore = { ...C.gossip.stats };
    const rejectedBefore = B.gossip.stats.rejected;
    const bad = [
      Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff),
      new Uint8Array(MAX_TX_BYTES + 1).fill(0x0a),
      withSignatures(badSig, [sig]),
      malleate(bobTx.bytes),
    ];
    for (const b of bad) await A.raw(b);
    await until(() => B.gossip.stats.rejected === rejectedBefore + bad.length, "B to reject all four");
    await until(() => B.score(A) < 0, "A's score at B to drop");
    await sleep(300);
    assert.deepEqual(C.gossip.stats, cBefore, "nothing relayed to C");
    assert.equal(B.mempool.size, 1);
    // The malleated copy took nothing: bob's real tx still goes through, from C to A.
    assert.equal(C.mempool.add(bobTx.bytes).code, 0);
    await C.gossip.publish(bobTx.bytes);
    await until(() => A.has(bobTx.bytes) && B.has(bobTx.bytes), "bob's send at A and B");
    assert.ok(C.score(B) >= 0, "B relayed nothing invalid to C");
  });

  it("publish() never throws and keeps non-canonical or oversized bytes local", async () => {
    const tx = await send("carol");
    assert.equal(await A.gossip.publish(malleate(tx.bytes)), 0);
    assert.equal(await A.gossip.publish(new Uint8Array(MAX_TX_BYTES + 1)), 0);
    assert.equal(await A.gossip.publish(new Uint8Array(0)), 0);
  });
});

describe("tx gossip: admission waits for beforeAdd", function () {
  this.timeout(30_000);

  it("does not touch the mempool until the hook resolves (a block being executed)", async () => {
    const t = await genesisApp();
    const host = await startP2PHost("/ip4/127.0.0.1/tcp/0", generateKey());
    try {
      const mempool = new Mempool(t.app);
      let open!: () => void;
      const gate = new Promise<void>((r) => {
        open = r;
      });
      let calls = 0;
      const gossip = new TxGossip(host, CHAIN_ID, mempool, {
        beforeAdd: () => {
          calls++;
          return gate;
        },
      });
      const tx = await send("alice");
      const peer = peerIdFromString(host.peerId);
      const verdict = gossip.validate(peer, { data: tx.bytes });
      await sleep(50);
      assert.equal(calls, 1);
      assert.equal(mempool.size, 0);
      open();
      assert.equal(await verdict, "accept");
      assert.equal(mempool.size, 1);
      // Empty and oversized bytes are refused before the hook.
      assert.equal(await gossip.validate(peer, { data: new Uint8Array(0) }), "reject");
      assert.equal(calls, 1);
    } finally {
      await host.stop();
      await t.close();
    }
  });
});
