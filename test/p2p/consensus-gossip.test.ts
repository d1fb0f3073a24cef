import assert from "node:assert/strict";
import { BinaryWriter } from "cosmjs-types/binary";
import { Part, Proposal, SignedMsgType, Vote } from "cosmjs-types/tendermint/types/types";
import {
  type BlockPart,
  ConsensusGossip,
  type ConsensusGossipHandlers,
  connect,
  consensusGossipsubOptions,
  consensusTopic,
  decodeBlockPart,
  decodeConsensusMessage,
  encodeBlockPart,
  encodeVote,
  type GossipKind,
  type GossipVerdict,
  verdictOf,
} from "../../node/p2p/consensus-gossip.js";
import { type P2PHost, startP2PHost } from "../../node/p2p/host.js";
import { generateKey } from "../../node/types/ed25519.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const LABEL_BYTES = 64;
function labelBytes(label: string): Uint8Array {
  const out = new Uint8Array(LABEL_BYTES);
  out.set(new TextEncoder().encode(label));
  return out;
}
function labelOf(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.subarray(0, end < 0 ? bytes.length : end));
}

const hash32 = new Uint8Array(32).fill(7);
const blockId = { hash: hash32, partSetHeader: { total: 1, hash: hash32 } };

function vote(label: string, height = 5n): Vote {
  return Vote.fromPartial({
    type: SignedMsgType.SIGNED_MSG_TYPE_PREVOTE,
    height,
    round: 0,
    blockId,
    timestamp: { seconds: 1_700_000_000n, nanos: 0 },
    validatorAddress: new Uint8Array(20).fill(1),
    validatorIndex: 0,
    signature: labelBytes(label),
  });
}

function proposal(label: string): Proposal {
  return Proposal.fromPartial({
    type: SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL,
    height: 5n,
    round: 1,
    polRound: -1,
    blockId,
    timestamp: { seconds: 1_700_000_000n, nanos: 0 },
    signature: labelBytes(label),
  });
}

function blockPart(label: string): BlockPart {
  return {
    height: 5n,
    round: 1,
    part: Part.fromPartial({
      index: 0,
      bytes: labelBytes(label),
      proof: { total: 1n, index: 0n, leafHash: hash32, aunts: [] },
    }),
  };
}

interface Received {
  kind: GossipKind;
  label: string;
  from: string;
}

interface TestNode {
  host: P2PHost;
  gossip: ConsensusGossip;
  received: Received[];
  /** Verdict by message label; accept when absent. */
  verdicts: Map<string, GossipVerdict>;
  count(label: string): number;
  score(peer: TestNode): number;
}

async function startNode(chainId: string): Promise<TestNode> {
  const host = await startP2PHost("/ip4/127.0.0.1/tcp/0", generateKey(), {
    gossipsub: consensusGossipsubOptions(chainId),
  });
  const received: Received[] = [];
  const verdicts = new Map<string, GossipVerdict>();
  const record = async (kind: GossipKind, label: string, from: string): Promise<GossipVerdict> => {
    received.push({ kind, label, from });
    return verdicts.get(label) ?? "accept";
  };
  const handlers: ConsensusGossipHandlers = {
    onProposal: (p, from) => record("proposal", labelOf(p.signature), from),
    onBlockPart: (bp, from) => record("blockPart", labelOf(bp.part.bytes), from),
    onVote: (v, from) => record("vote", labelOf(v.signature), from),
    onEvidence: (ev, from) => record("evidence", labelOf(ev.voteA!.signature), from),
  };
  const gossip = new ConsensusGossip(host, chainId, handlers);
  gossip.start();
  const pubsub = host.libp2p.services.pubsub as { getScore(id: string): number };
  return {
    host,
    gossip,
    received,
    verdicts,
    count: (label) => received.filter((r) => r.label === label).length,
    score: (peer) => pubsub.getScore(peer.host.peerId),
  };
}

async function link(a: TestNode, b: TestNode): Promise<void> {
  const addr = b.host.listenAddrs[0];
  assert.ok(addr);
  await connect(a.host, addr);
}

async function stopAll(nodes: TestNode[]): Promise<void> {
  for (const n of nodes) n.gossip.stop();
  await Promise.all(nodes.map((n) => n.host.stop()));
}

/** Raw publish on a topic, bypassing ConsensusGossip's encoding and size checks. */
async function rawPublish(n: TestNode, topic: string, data: Uint8Array): Promise<void> {
  const pubsub = n.host.libp2p.services.pubsub as {
    publish(t: string, d: Uint8Array): Promise<unknown>;
  };
  await pubsub.publish(topic, data);
}

describe("consensus gossip: encoding", () => {
  it("topics are per chain id and kind", () => {
    assert.equal(consensusTopic("openledger-1", "proposal"), "/openledger/openledger-1/consensus/proposal/1");
    assert.equal(
      consensusTopic("openledger-1", "blockPart"),
      "/openledger/openledger-1/consensus/block-part/1",
    );
    assert.equal(consensusTopic("openledger-1", "vote"), "/openledger/openledger-1/consensus/vote/1");
    assert.throws(() => consensusTopic("a/b", "vote"));
    assert.throws(() => consensusTopic("", "vote"));
  });

  it("round-trips block parts and rejects malformed or non-canonical bytes", () => {
    const bp = blockPart("part-x");
    const decoded = decodeBlockPart(encodeBlockPart(bp));
    assert.equal(decoded.height, 5n);
    assert.equal(decoded.round, 1);
    assert.equal(labelOf(decoded.part.bytes), "part-x");
    assert.ok(decodeConsensusMessage("blockPart", encodeBlockPart(bp)));
    assert.ok(decodeConsensusMessage("vote", encodeVote(vote("v"))));
    assert.equal(decodeConsensusMessage("vote", new Uint8Array([0xff, 0xff, 0xff])), undefined);
    // A valid vote followed by an unknown field: decodes, but is not canonical.
    const extra = BinaryWriter.create()
      .uint32((99 << 3) | 0)
      .uint64(1n)
      .finish();
    const padded = new Uint8Array([...encodeVote(vote("v")), ...extra]);
    assert.equal(decodeConsensusMessage("vote", padded), undefined);
    // Wrong kind on the wire: a proposal type on the vote topic.
    const v = vote("v");
    v.type = SignedMsgType.SIGNED_MSG_TYPE_PROPOSAL;
    assert.equal(decodeConsensusMessage("vote", encodeVote(v)), undefined);
    assert.equal(verdictOf("accepted"), "accept");
    assert.equal(verdictOf("ignored"), "ignore");
    assert.equal(verdictOf("rejected"), "reject");
  });
});

describe("consensus gossip: 4 hosts in a line (A - B - C - D)", function () {
  this.timeout(60_000);
  let nodes: TestNode[] = [];
  let A: TestNode;
  let B: TestNode;
  let C: TestNode;
  let D: TestNode;

  before(async () => {
    nodes = await Promise.all([0, 1, 2, 3].map(() => startNode("line-chain")));
    [A, B, C, D] = nodes as [TestNode, TestNode, TestNode, TestNode];
    await link(A, B);
    await link(B, C);
    await link(C, D);
    await Promise.all([
      A.gossip.waitForPeers(1),
      B.gossip.waitForPeers(2),
      C.gossip.waitForPeers(2),
      D.gossip.waitForPeers(1),
    ]);
  });

  after(async () => {
    await stopAll(nodes);
  });

  it("a vote published at one end reaches every other host, relayed through the middle", async () => {
    await A.gossip.publishVote(vote("vote-1"));
    await until(() => D.count("vote-1") === 1, "vote-1 at D");
    assert.equal(B.count("vote-1"), 1);
    assert.equal(C.count("vote-1"), 1);
    assert.equal(A.count("vote-1"), 0, "no local delivery to the publisher");
    // Each hop hears it from its neighbour.
    assert.equal(D.received.find((r) => r.label === "vote-1")?.from, C.host.peerId);
  });

  it("proposals and block parts reach every other host", async () => {
    await D.gossip.publishProposal(proposal("prop-1"));
    await B.gossip.publishBlockPart(blockPart("part-1"));
    await until(() => A.count("prop-1") === 1 && B.count("prop-1") === 1, "prop-1 at A and B");
    await until(() => A.count("part-1") === 1 && D.count("part-1") === 1, "part-1 at A and D");
    assert.equal(C.count("prop-1"), 1);
    assert.equal(C.count("part-1"), 1);
    assert.deepEqual(
      A.received
        .filter((r) => r.label === "prop-1" || r.label === "part-1")
        .map((r) => r.kind)
        .sort(),
      ["blockPart", "proposal"],
    );
  });

  it("a duplicate (same bytes from two publishers, or republished) is delivered once", async () => {
    const v = vote("dup-1");
    await Promise.all([A.gossip.publishVote(v), D.gossip.publishVote(v)]);
    await until(() => B.count("dup-1") >= 1 && C.count("dup-1") >= 1, "dup-1 at B and C");
    await sleep(1500);
    assert.equal(B.count("dup-1"), 1);
    assert.equal(C.count("dup-1"), 1);
    assert.equal(A.count("dup-1") + D.count("dup-1"), 0);
    // Republishing what the network has seen sends nothing and delivers nothing.
    assert.equal(await B.gossip.publishVote(v), 0);
    await sleep(300);
    assert.equal(C.count("dup-1") + D.count("dup-1") + A.count("dup-1"), 1);
  });

  it("a message the first hop ignores is not relayed and the sender is not penalised", async () => {
    B.verdicts.set("ign-1", "ignore");
    await A.gossip.publishVote(vote("ign-1"));
    await A.gossip.publishVote(vote("after-ign-1"));
    await until(() => D.count("after-ign-1") === 1, "after-ign-1 at D");
    await sleep(300);
    assert.equal(B.count("ign-1"), 1, "B's handler saw it");
    assert.equal(C.count("ign-1"), 0);
    assert.equal(D.count("ign-1"), 0);
    assert.ok(B.score(A) >= 0, `score ${B.score(A)}`);
  });

  it("a message the first hop rejects is not relayed and the sender is penalised", async () => {
    B.verdicts.set("bad-1", "reject");
    await A.gossip.publishVote(vote("bad-1"));
    await A.gossip.publishVote(vote("after-bad-1"));
    await until(() => D.count("after-bad-1") === 1, "after-bad-1 at D");
    await sleep(300);
    assert.equal(B.count("bad-1"), 1, "B's handler saw it");
    assert.equal(C.count("bad-1"), 0);
    assert.equal(D.count("bad-1"), 0);
    await until(() => B.score(A) < 0, "A's score at B to drop");
    assert.ok(C.score(B) >= 0, "B did not relay anything invalid to C");
  });
});

describe("consensus gossip: 4 hosts in a star (hub H, leaves L1..L3)", function () {
  this.timeout(60_000);
  let nodes: TestNode[] = [];
  let H: TestNode;
  let L1: TestNode;
  let L2: TestNode;
  let L3: TestNode;

  before(async () => {
    nodes = await Promise.all([0, 1, 2, 3].map(() => startNode("star-chain")));
    [H, L1, L2, L3] = nodes as [TestNode, TestNode, TestNode, TestNode];
    for (const leaf of [L1, L2, L3]) await link(leaf, H);
    await Promise.all([H.gossip.waitForPeers(3), ...[L1, L2, L3].map((l) => l.gossip.waitForPeers(1))]);
  });

  after(async () => {
    await stopAll(nodes);
  });

  it("a leaf's messages reach the other leaves through the hub", async () => {
    await L1.gossip.publishProposal(proposal("star-prop"));
    await L2.gossip.publishVote(vote("star-vote"));
    await L3.gossip.publishBlockPart(blockPart("star-part"));
    for (const [label, publisher] of [
      ["star-prop", L1],
      ["star-vote", L2],
      ["star-part", L3],
    ] as const) {
      await until(() => nodes.every((n) => n === publisher || n.count(label) === 1), `${label} everywhere`);
      assert.equal(publisher.count(label), 0);
    }
  });

  it("malformed, non-canonical and oversized bytes are rejected without calling the handler", async () => {
    const before = H.received.length;
    const leafBefore = [L1, L2, L3].map((l) => l.received.length);
    const voteTopic = consensusTopic("star-chain", "vote");
    const propTopic = consensusTopic("star-chain", "proposal");
    // L1: garbage; L2: a vote with a trailing unknown field; L3: a vote above the 64 KiB limit.
    await rawPublish(L1, voteTopic, new Uint8Array([0xff, 0xff, 0xff, 0x01]));
    const extra = BinaryWriter.create()
      .uint32((99 << 3) | 0)
      .uint64(1n)
      .finish();
    await rawPublish(L2, voteTopic, new Uint8Array([...encodeVote(vote("noncanon")), ...extra]));
    const big = vote("too-big");
    big.extension = new Uint8Array(70 * 1024);
    await assert.rejects(L3.gossip.publishVote(big), /exceeds/);
    await rawPublish(L3, voteTopic, encodeVote(big));
    // A vote's bytes on the proposal topic do not decode to a proposal.
    await rawPublish(L1, propTopic, encodeVote(vote("vote-as-prop")));
    await until(() => H.score(L1) < 0 && H.score(L2) < 0 && H.score(L3) < 0, "all three leaves penalised");
    assert.equal(H.received.length, before, "the handler was never called");
    await sleep(300);
    assert.deepEqual(
      [L1, L2, L3].map((l) => l.received.length),
      leafBefore,
      "nothing relayed",
    );
    // The same vote's bytes are still accepted on the vote topic (ids include the topic).
    await L1.gossip.publishVote(vote("vote-as-prop"));
    await until(() => H.count("vote-as-prop") === 1, "vote-as-prop at H");
  });
});

describe("consensus gossip: chain ids", function () {
  this.timeout(60_000);
  let nodes: TestNode[] = [];

  after(async () => {
    await stopAll(nodes);
  });

  it("hosts on another chain id share no topics", async () => {
    nodes = await Promise.all([startNode("chain-a"), startNode("chain-b"), startNode("chain-a")]);
    const [X, Y, Z] = nodes as [TestNode, TestNode, TestNode];
    await link(X, Y);
    await link(X, Z);
    await X.gossip.waitForPeers(1);
    await Y.gossip.waitForPeers(0);
    await sleep(200);
    assert.equal(X.gossip.peersOnAllTopics(), 1, "only Z shares X's topics");
    assert.equal(Y.gossip.peersOnAllTopics(), 0);
    await assert.rejects(Y.gossip.waitForPeers(1, 300), /timed out/);
    await X.gossip.publishVote(vote("chain-a-vote"));
    await Y.gossip.publishVote(vote("chain-b-vote"));
    await until(() => Z.count("chain-a-vote") === 1, "chain-a-vote at Z");
    await sleep(500);
    assert.equal(Y.count("chain-a-vote"), 0);
    assert.equal(X.count("chain-b-vote") + Z.count("chain-b-vote"), 0);
  });

  it("refuses a host started without the consensus gossipsub options", async () => {
    const host = await startP2PHost("/ip4/127.0.0.1/tcp/0", generateKey());
    try {
      const handlers: ConsensusGossipHandlers = {
        onProposal: async () => "accept",
        onBlockPart: async () => "accept",
        onVote: async () => "accept",
        onEvidence: async () => "accept",
      };
      assert.throws(
        () => new ConsensusGossip(host, "chain-a", handlers).start(),
        /consensusGossipsubOptions/,
      );
    } finally {
      await host.stop();
    }
  });
});
