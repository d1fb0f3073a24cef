// Block sync over libp2p: a validator stopped while the others go on catches up from their stored
// blocks when it restarts (before it takes part in consensus) and then signs again; a node that
// joins late with an empty database catches up from height 1; a peer that serves a tampered block
// or a commit for another block is refused, nothing is applied and the peer is hung up on.
import assert from "node:assert/strict";
import { type Message, type TopicValidatorFn, TopicValidatorResult } from "@libp2p/gossipsub";
import { peerIdFromString } from "@libp2p/peer-id";
import { Block } from "cosmjs-types/tendermint/types/block";
import { Commit, Vote } from "cosmjs-types/tendermint/types/types";
import { bftGossipsubOptions } from "../../node/consensus/bft/engine-gossip.js";
import { serveBlockSync } from "../../node/p2p/block-sync-protocol.js";
import { connect, consensusTopic } from "../../node/p2p/consensus-gossip.js";
import { type P2PHost, startP2PHost } from "../../node/p2p/host.js";
import { BLOCK_ID_FLAG_COMMIT } from "../../node/types/block.js";
import { keyFromSecret, pubKeyToAddress } from "../../node/types/ed25519.js";
import { nowTimestamp } from "../../node/types/time.js";
import { SIGNED_MSG_TYPE_PREVOTE } from "../../node/types/vote.js";
import {
  type ClusterNode,
  chainView,
  closeNode,
  clusterGenesis,
  dialAddr,
  hex,
  openNode,
  removeNode,
  validatorKeys,
  waitFor,
} from "./bft-cluster.js";

describe("block sync over libp2p", function () {
  this.timeout(120_000);
  const keys = validatorKeys(4, "block-sync");
  const genesis = clusterGenesis(keys);
  const nodes: ClusterNode[] = [];
  const extra: ClusterNode[] = [];
  const hosts: P2PHost[] = [];

  before(async () => {
    for (let i = 0; i < 4; i++) nodes.push(await openNode(i, genesis, keys[i]!));
    for (const a of nodes) for (const b of nodes) if (a.index < b.index) await connect(a.host, dialAddr(b));
    for (const n of nodes) await n.service.start();
  });

  after(async () => {
    for (const n of [...nodes, ...extra]) await removeNode(n).catch(() => undefined);
    for (const h of hosts) await h.stop();
  });

  const live = () => nodes.filter((n) => !n.closed);
  const top = () => {
    let best = 0n;
    for (const n of live()) if (n.blockStore.height > best) best = n.blockStore.height;
    return best;
  };

  it("a restarted validator catches up before consensus, then signs again", async () => {
    await waitFor("height 3", () => nodes.every((n) => n.blockStore.height >= 3n), 30_000);
    const victim = nodes[3]!;
    await closeNode(victim);
    const stoppedAt = victim.blockStore.height;
    const target = top() + 8n;
    await waitFor(
      `height ${target} on three nodes`,
      () => live().every((n) => n.blockStore.height >= target),
      40_000,
    );

    const reopened = await openNode(3, genesis, keys[3]!, {
      dir: victim.dir,
      persistentPeers: nodes.slice(0, 3).map(dialAddr),
      initialSyncWaitMs: 10_000,
    });
    nodes[3] = reopened;
    await reopened.service.start();
    assert.ok(
      reopened.service.syncer.applied >= Number(target - stoppedAt),
      `applied ${reopened.service.syncer.applied}`,
    );
    assert.ok(reopened.blockStore.height >= target);
    // Its state machine starts the next height with the synced block's commit as LastCommit (it
    // never saw those precommits itself): its first proposal must carry +2/3 of them.
    const lastCommit = reopened.service.engine.sm.rs.lastCommit;
    assert.ok(lastCommit !== undefined, "no last commit after block sync");
    assert.ok(lastCommit.signatures.filter((s) => s.blockIdFlag === BLOCK_ID_FLAG_COMMIT).length >= 3);
    const views = await Promise.all(nodes.map((n) => chainView(n, target)));
    for (const v of views.slice(1)) assert.deepEqual(v, views[0]);

    const address = hex(pubKeyToAddress(keys[3]!.pubKey));
    const from = reopened.blockStore.height;
    // The others counted the blocks it missed while it was down.
    const missed = (
      await nodes[0]!.metrics.getSingleMetric("openledger_consensus_validator_missed_blocks_total")!.get()
    ).values;
    const mine = missed.find((v) => v.labels.validator === address.toUpperCase());
    assert.ok(mine !== undefined && mine.value >= Number(target - stoppedAt) - 1, JSON.stringify(missed));
    assert.ok(reopened.service.engine.height > 0n);
    const text = await reopened.metrics.metrics();
    assert.match(text, /openledger_consensus_block_sync_blocks_total \d+/);
    assert.match(text, /openledger_consensus_peers 3/);

    await waitFor(
      "a commit signed by the restarted validator",
      async () => {
        for (let h = from + 1n; h <= reopened.blockStore.height; h++) {
          const commit = (await reopened.blockStore.commit(h))?.commit;
          const sig = commit?.signatures.find((s) => hex(s.validatorAddress) === address);
          if (sig?.blockIdFlag === BLOCK_ID_FLAG_COMMIT) return true;
        }
        return false;
      },
      30_000,
    );
  });

  it("votes far above every known height are rejected; one height ahead is ignored", async () => {
    const n = nodes[0]!;
    const pubsub = (n.host.libp2p.services as { pubsub: { topicValidators: Map<string, TopicValidatorFn> } })
      .pubsub;
    const validate = pubsub.topicValidators.get(consensusTopic(genesis.chainId, "vote"))!;
    const from = peerIdFromString(nodes[1]!.host.peerId);
    const verdict = async (height: bigint) => {
      const vote: Vote = {
        type: SIGNED_MSG_TYPE_PREVOTE,
        height,
        round: 0,
        blockId: { hash: new Uint8Array(0), partSetHeader: { total: 0, hash: new Uint8Array(0) } },
        timestamp: nowTimestamp(),
        validatorAddress: pubKeyToAddress(keys[1]!.pubKey),
        validatorIndex: 0,
        signature: new Uint8Array(64).fill(1),
        extension: new Uint8Array(0),
        extensionSignature: new Uint8Array(0),
      };
      const msg = { type: "unsigned", topic: "", data: Vote.encode(vote).finish() } as Message;
      return validate(from, msg);
    };
    const h = n.service.engine.height;
    assert.equal(await verdict(h + 1000n), TopicValidatorResult.Reject);
    assert.equal(await verdict((1n << 62n) + h), TopicValidatorResult.Reject);
    assert.equal(await verdict(h + 1n), TopicValidatorResult.Ignore);
  });

  it("a node that joins late with an empty database catches up from height 1", async () => {
    const follower = await openNode(10, genesis, keyFromSecret("block-sync-follower"), {
      persistentPeers: [dialAddr(nodes[0]!)],
      initialSyncWaitMs: 10_000,
    });
    extra.push(follower);
    const target = top();
    await follower.service.start();
    assert.ok(
      follower.blockStore.height >= target,
      `follower at ${follower.blockStore.height}, want ${target}`,
    );
    assert.deepEqual(await chainView(follower, target), await chainView(nodes[0]!, target));
    // and it follows new blocks through gossip and sync
    const next = follower.blockStore.height + 3n;
    await waitFor(`follower at ${next}`, () => follower.blockStore.height >= next, 30_000);
  });

  for (const [name, tamper] of [
    [
      "a tampered block",
      (block: Uint8Array, commit: Uint8Array) => {
        const b = Block.decode(block);
        b.header!.chainId = "another-chain";
        return { block: Block.encode(b).finish(), commit };
      },
    ],
    [
      "a commit for another block",
      (block: Uint8Array, commit: Uint8Array) => {
        const c = Commit.decode(commit);
        c.blockId!.hash = new Uint8Array(32).fill(7);
        return { block, commit: Commit.encode(c).finish() };
      },
    ],
  ] as const) {
    it(`refuses ${name} and hangs up on the peer`, async () => {
      const source = nodes[0]!.blockStore;
      const liar = await startP2PHost("/ip4/127.0.0.1/tcp/0", keyFromSecret(`liar-${name}`), {
        gossipsub: bftGossipsubOptions(genesis.chainId),
      });
      hosts.push(liar);
      const tampered = async (h: bigint) => {
        const block = await source.blockBytes(h);
        const commit = await source.commit(h);
        return block && commit ? tamper(block, Commit.encode(commit.commit).finish()) : undefined;
      };
      await serveBlockSync(liar.libp2p, genesis.chainId, {
        get base() {
          return source.base;
        },
        get height() {
          return source.height;
        },
        blockBytes: async (h) => (await tampered(h))?.block,
        commit: async (h) => {
          const bad = await tampered(h);
          return bad && { commit: Commit.decode(bad.commit) };
        },
      });
      const follower = await openNode(20 + extra.length, genesis, keyFromSecret(`victim-${name}`));
      extra.push(follower);
      await follower.service.engine.load();
      await connect(follower.host, liar.listenAddrs[0]!);
      const applied = await follower.service.syncer.catchUp();
      assert.equal(applied, 0);
      assert.equal(follower.blockStore.height, 0n);
      await waitFor("the liar hung up on", () => follower.host.libp2p.getPeers().length === 0, 5_000);
    });
  }
});
