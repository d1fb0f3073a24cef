// A validator restarted on its data directory replays its consensus WAL: it is back at the height,
// round and step it had reached (not round 0 of the height), and the network goes on with it.
// With one validator stopped, the heights it should propose fail round 0; the restarted node is
// stopped in round 1 of such a height, which leaves two of four and halts the chain there.
import assert from "node:assert/strict";
import { connect } from "../../node/p2p/consensus-gossip.js";
import {
  type ClusterNode,
  chainView,
  closeNode,
  clusterGenesis,
  dialAddr,
  openNode,
  removeNode,
  validatorKeys,
  waitFor,
} from "./bft-cluster.js";

describe("consensus WAL replay on restart", function () {
  this.timeout(120_000);
  const keys = validatorKeys(4, "wal-replay");
  const genesis = clusterGenesis(keys);
  const nodes: ClusterNode[] = [];

  before(async () => {
    for (let i = 0; i < 4; i++) nodes.push(await openNode(i, genesis, keys[i]!));
    for (const a of nodes) for (const b of nodes) if (a.index < b.index) await connect(a.host, dialAddr(b));
    for (const n of nodes) await n.service.start();
    await waitFor("height 2", () => nodes.every((n) => n.blockStore.height >= 2n), 30_000);
  });

  after(async () => {
    for (const n of nodes) await removeNode(n).catch(() => undefined);
  });

  it("a restarted validator resumes at its round, and the chain goes on with it", async () => {
    await closeNode(nodes[0]!);
    // Stop node 3 in round 1 of an undecided height. If its last precommit let the other two decide
    // the height as it stopped, the snapshot is stale: restart it and try again.
    let before = nodes[3]!.service.engine.sm.rs;
    for (let attempt = 0; ; attempt++) {
      const node = nodes[3]!;
      await waitFor("a height in round 1", () => node.service.engine.sm.rs.round >= 1, 40_000);
      await closeNode(node);
      before = node.service.engine.sm.rs;
      if (node.blockStore.height < before.height) break;
      assert.ok(attempt < 5, "node 3 kept deciding the height as it stopped");
      nodes[3] = await openNode(3, genesis, keys[3]!, {
        dir: node.dir,
        persistentPeers: [dialAddr(nodes[1]!), dialAddr(nodes[2]!)],
        initialSyncWaitMs: 5000,
      });
      await nodes[3]!.service.start();
    }
    const node = nodes[3]!;
    const halted = before.height;

    const reopened = await openNode(3, genesis, keys[3]!, { dir: node.dir });
    nodes[3] = reopened;
    await reopened.service.start();
    const after = reopened.service.engine.sm.rs;
    assert.equal(after.height, halted);
    assert.equal(after.round, before.round);
    assert.equal(after.step, before.step);
    assert.equal(after.lockedRound, before.lockedRound);

    await connect(reopened.host, dialAddr(nodes[2]!));
    const peers = [dialAddr(nodes[1]!), dialAddr(nodes[2]!), dialAddr(reopened)];
    nodes[0] = await openNode(0, genesis, keys[0]!, { dir: nodes[0]!.dir, persistentPeers: peers });
    await nodes[0]!.service.start();
    const target = halted + 2n;
    await waitFor(
      `height ${target} on all four`,
      () => nodes.every((n) => n.blockStore.height >= target),
      60_000,
    );
    const views = await Promise.all(nodes.map((n) => chainView(n, target)));
    for (const v of views.slice(1)) assert.deepEqual(v, views[0]);
  });
});
