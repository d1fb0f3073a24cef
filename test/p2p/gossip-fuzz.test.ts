// Gossip fuzzing (the acceptance check): 10,000 random or mutated messages on each topic
// (proposal, block part, vote, evidence, tx) crash no node and change no state, and the sender's
// peer score drops.
//
// The victim is one validator as node.ts wires it (BftService from test/consensus/bft-cluster.ts:
// engine, WAL, privval, evidence pool, block sync) over a one-validator genesis, so it keeps
// committing empty blocks by itself throughout, plus TxGossip on its mempool. The attacker is a
// separate libp2p host connected to it and subscribed to the consensus topics: it captures the
// victim's real proposals, block parts and votes to mutate. Messages come from the seeded
// generators in fuzz-gen.ts; a failure prints its seed (rerun with FUZZ_SEED=<seed>).
//
// Bulk and wire: the victim graylists the attacker after its first few invalid messages and then
// drops its RPCs unread, so publishing everything over gossipsub exercises the validators with
// about 1% of it (measured: 50,000 published in 36 s on 2 cores, ~500 validated). The bulk, 10,000
// per topic, is therefore fed straight into the victim's topic validators (the functions gossipsub
// calls for each received message, the attacker as propagating peer; ~7 s), and a sample of 500 per
// topic goes over the wire, after which the attacker's score on the victim is checked.
// FUZZ_PER_TOPIC and FUZZ_WIRE_PER_TOPIC change the counts.
import assert from "node:assert/strict";
import type { Message, TopicValidatorFn } from "@libp2p/gossipsub";
import { peerIdFromString } from "@libp2p/peer-id";
import { bftGossipsubOptions } from "../../node/consensus/bft/index.js";
import { connect, consensusTopic } from "../../node/p2p/consensus-gossip.js";
import { type P2PHost, startP2PHost } from "../../node/p2p/host.js";
import { TxGossip, txTopic } from "../../node/p2p/tx-gossip.js";
import { generateKey, keyFromSecret } from "../../node/types/ed25519.js";
import { snapshot } from "../app/helpers.js";
import {
  type ClusterNode,
  clusterGenesis,
  dialAddr,
  openNode,
  removeNode,
  waitFor,
} from "../consensus/bft-cluster.js";
import { committedAt, count, printTallies, type Tally, txPool, type Verdict } from "./fuzz-fixtures.js";
import { FUZZ_TOPICS, type FuzzContext, type FuzzTopic, fuzzMessage } from "./fuzz-gen.js";
import { Rng } from "./fuzz-rng.js";

const PER_TOPIC = Number(process.env.FUZZ_PER_TOPIC ?? 10_000);
const WIRE_PER_TOPIC = Number(process.env.FUZZ_WIRE_PER_TOPIC ?? 500);
const BATCH = 50;
const GRAYLIST_THRESHOLD = -80; // gossipsub's default scoreThresholds.graylistThreshold

interface PubSub {
  topicValidators: Map<string, TopicValidatorFn>;
  getScore(peer: string): number;
  subscribe(topic: string): void;
  getSubscribers(topic: string): { toString(): string }[];
  publish(topic: string, data: Uint8Array): Promise<unknown>;
  addEventListener(type: "message", fn: (evt: CustomEvent<Message>) => void): void;
}
const pubsubOf = (h: P2PHost) => h.libp2p.services.pubsub as unknown as PubSub;

describe("gossip fuzzing: hostile messages on every topic", function () {
  this.timeout(180_000);
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
  const rng = new Rng(seed);
  const key = keyFromSecret("gossip-fuzz-victim");
  const genesis = clusterGenesis([key]);
  const chainId = genesis.chainId;
  const topics: Record<FuzzTopic, string> = {
    proposal: consensusTopic(chainId, "proposal"),
    blockPart: consensusTopic(chainId, "blockPart"),
    vote: consensusTopic(chainId, "vote"),
    evidence: consensusTopic(chainId, "evidence"),
    tx: txTopic(chainId),
  };
  const problems: unknown[] = [];
  const onProblem = (err: unknown) => problems.push(err);
  const tallies = new Map<string, Tally>();
  const sentTxs = new Set<string>();
  let victim: ClusterNode;
  let txGossip: TxGossip;
  let attacker: P2PHost;
  let ctx: FuzzContext;
  let before0: {
    height: bigint;
    appHash: string;
    state: Omit<ReturnType<typeof snapshot>, "appHash" | "height">;
  };

  before(async () => {
    process.on("unhandledRejection", onProblem);
    process.on("uncaughtException", onProblem);
    victim = await openNode(0, genesis, key, { initialSyncWaitMs: 0 });
    txGossip = new TxGossip(victim.host, chainId, victim.mempool, { beforeAdd: () => victim.service.idle() });
    txGossip.start();
    await victim.service.start();
    attacker = await startP2PHost("/ip4/127.0.0.1/tcp/0", generateKey(), {
      gossipsub: bftGossipsubOptions(chainId),
    });
    const captured: FuzzContext["captured"] = { proposal: [], blockPart: [], vote: [] };
    const kindOf = new Map(Object.entries(topics).map(([k, t]) => [t, k as FuzzTopic]));
    pubsubOf(attacker).addEventListener("message", (evt) => {
      const kind = kindOf.get(evt.detail.topic);
      if (kind !== undefined && kind !== "tx" && kind !== "evidence" && captured[kind].length < 200)
        captured[kind].push(evt.detail.data);
    });
    for (const k of ["proposal", "blockPart", "vote"] as const) pubsubOf(attacker).subscribe(topics[k]);
    await connect(attacker, dialAddr(victim));
    await waitFor(
      "the victim on all five topics and its first messages captured",
      () =>
        FUZZ_TOPICS.every((t) => pubsubOf(attacker).getSubscribers(topics[t]).length === 1) &&
        captured.proposal.length > 0 &&
        captured.blockPart.length > 0 &&
        captured.vote.length > 1,
      20_000,
    );
    ctx = {
      chainId,
      height: 0n,
      round: 0,
      victimKey: key,
      attackerKey: keyFromSecret("gossip-fuzz-attacker"),
      captured,
      committed: await committedAt(victim, victim.blockStore.height),
      txs: await txPool(chainId),
      big: rng.bytes(1024 * 1024 + 64 * 1024),
    };
    const { appHash: _a, height: _h, ...state } = snapshot(victim.app);
    const appHash = Buffer.from(victim.app.info().lastBlockAppHash).toString("hex");
    before0 = { height: victim.blockStore.height, appHash, state };
  });

  after(async () => {
    process.off("unhandledRejection", onProblem);
    process.off("uncaughtException", onProblem);
    txGossip?.stop();
    await attacker?.stop();
    if (victim) await removeNode(victim);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed")
      console.log(`    gossip fuzz seed ${seed}: rerun with FUZZ_SEED=${seed}`);
  });

  const refresh = () => {
    ctx.height = victim.service.engine.height;
    try {
      ctx.round = victim.service.engine.sm.rs.round;
    } catch {
      ctx.round = 0;
    }
  };

  it(`feeds ${PER_TOPIC} messages per topic to the victim's validators: none accepted, no crash`, async () => {
    const started = Date.now();
    const pubsub = pubsubOf(victim.host);
    const from = peerIdFromString(attacker.peerId);
    for (let done = 0; done < PER_TOPIC; done += BATCH) {
      refresh();
      const jobs: Promise<void>[] = [];
      for (let i = 0; i < BATCH && done + i < PER_TOPIC; i++) {
        for (const topic of FUZZ_TOPICS) {
          const { cls, data } = fuzzMessage(rng, topic, ctx);
          if (topic === "tx") sentTxs.add(Buffer.from(data).toString("hex"));
          const validate = pubsub.topicValidators.get(topics[topic]);
          assert.ok(validate, `a validator on ${topics[topic]}`);
          const msg = { type: "unsigned", topic: topics[topic], data } as Message;
          jobs.push(
            Promise.resolve(validate(from, msg)).then((v) => count(tallies, `${topic}/${cls}`, v as Verdict)),
          );
        }
      }
      await Promise.all(jobs);
    }
    const ms = Date.now() - started;
    console.log(
      `    seed ${seed}: ${PER_TOPIC * FUZZ_TOPICS.length} messages through the validators in ${ms} ms`,
    );
    printTallies(tallies);
    const accepted = [...tallies].filter(([, t]) => t.accept > 0).map(([k]) => k);
    assert.deepEqual(accepted, [], "no hostile message is accepted");
    for (const topic of FUZZ_TOPICS) {
      const t = tallies.get(`${topic}/oversized`);
      assert.ok(t && t.accept + t.ignore === 0 && t.reject > 0, `${topic}: every oversized message rejected`);
      const random = tallies.get(`${topic}/random`)!;
      assert.ok(random.reject >= 0.95 * (random.reject + random.ignore), `${topic}: random bytes rejected`);
    }
    assert.deepEqual(problems, [], "no unhandled rejection or uncaught exception");
  });

  it(`sends ${WIRE_PER_TOPIC} per topic over gossipsub: the attacker ends below the graylist threshold`, async () => {
    const started = Date.now();
    const pubsub = pubsubOf(attacker);
    const sent = { ok: 0, failed: 0 };
    // Count what reaches the victim's validators (the rest is dropped once the attacker is graylisted).
    const victimPubsub = pubsubOf(victim.host);
    const wire = new Map<string, Tally>();
    const restore: [string, TopicValidatorFn][] = [];
    for (const topic of FUZZ_TOPICS) {
      const inner = victimPubsub.topicValidators.get(topics[topic])!;
      restore.push([topics[topic], inner]);
      victimPubsub.topicValidators.set(topics[topic], async (peer, msg) => {
        const v = await inner(peer, msg);
        count(wire, topic, v as Verdict);
        return v;
      });
    }
    for (let i = 0; i < WIRE_PER_TOPIC; i++) {
      refresh();
      for (const topic of FUZZ_TOPICS) {
        const { data } = fuzzMessage(rng, topic, ctx);
        if (topic === "tx") sentTxs.add(Buffer.from(data).toString("hex"));
        await pubsub.publish(topics[topic], data).then(
          () => sent.ok++,
          () => sent.failed++,
        );
      }
    }
    await waitFor(
      "the attacker's score below the graylist threshold",
      () => victimPubsub.getScore(attacker.peerId) < GRAYLIST_THRESHOLD,
      5000,
    );
    console.log(
      `    ${WIRE_PER_TOPIC * FUZZ_TOPICS.length} published in ${Date.now() - started} ms (${sent.failed} refused by the sender); attacker score ${victimPubsub.getScore(attacker.peerId).toFixed(0)}`,
    );
    for (const [topic, inner] of restore) victimPubsub.topicValidators.set(topic, inner);
    printTallies(wire, "validated from the wire");
    const fromWire = [...wire.values()];
    assert.ok(fromWire.reduce((n, t) => n + t.reject, 0) > 0, "some reached the victim's validators");
    assert.equal(
      fromWire.reduce((n, t) => n + t.accept, 0),
      0,
      "none accepted",
    );
    assert.deepEqual(problems, []);
  });

  it("the victim kept committing, admitted no fuzz tx and its state is unchanged", async () => {
    const target = victim.blockStore.height + 2n;
    await waitFor(`the victim at height ${target}`, () => victim.blockStore.height >= target, 15_000);
    assert.ok(victim.blockStore.height > before0.height + 2n, "committed during the fuzz");
    for (let h = before0.height + 1n; h <= victim.blockStore.height; h++) {
      const b = await victim.blockStore.block(h);
      assert.equal(b?.block.data?.txs.length ?? 0, 0, `block ${h} is empty`);
    }
    assert.equal(victim.mempool.size, 0);
    assert.equal(victim.service.evidence.size, 0, "no evidence pending");
    assert.ok(!victim.mempool.list(1_000_000).some((tx) => sentTxs.has(Buffer.from(tx).toString("hex"))));
    const { appHash: _a, height: _h, ...state } = snapshot(victim.app);
    assert.deepEqual(state, before0.state, "accounts and balances unchanged");
    // Empty blocks leave the app state, hence its hash, as it was.
    assert.equal(Buffer.from(victim.app.info().lastBlockAppHash).toString("hex"), before0.appHash);
    assert.deepEqual(problems, []);
  });
});
