// The content service of three nodes that run the same blocks (standing in for one chain until
// BFT consensus lets real nodes share it), on real LevelDBs and libp2p hosts: the contributor
// pushes content to node A over HTTP while its contribution is pending; once a block approves it,
// node B fetches it from A in the background and verifies it; node C, started after the fact,
// finds it missing in its start-up scan and fetches it too. Inline content needs no fetch.
import assert from "node:assert/strict";
import { sha256 } from "@noble/hashes/sha2.js";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { CHUNK_SIZE, toHex } from "../../node/content/manifest.js";
import { approvedIds, ContentService } from "../../node/content/service.js";
import { manifestKey } from "../../node/content/store.js";
import type { P2PHost } from "../../node/p2p/host.js";
import { signer } from "../app/helpers.js";
import { APPROVE, contribute, contributeText, create, review, sha, text } from "../datanets/helpers.js";
import {
  bigState,
  bytesOf,
  ChainNode,
  connect,
  httpServer,
  memoryLogger,
  startHost,
  until,
} from "./helpers.js";

const CONTENT = bytesOf(3 * CHUNK_SIZE + 17, 11);
const HASH = sha256(CONTENT);

interface Peer {
  node: ChainNode;
  host: P2PHost;
  service?: ContentService;
}

describe("content service: approved content reaches every node", () => {
  const peers: Peer[] = [];
  const { logger, lines } = memoryLogger();
  after(async () => {
    for (const p of peers) {
      await p.service?.stop();
      await p.host.stop();
      await p.node.close();
    }
  });

  async function peer(withService: boolean): Promise<Peer> {
    const p: Peer = { node: await ChainNode.start(bigState()), host: await startHost() };
    if (withService) p.service = await startService(p);
    peers.push(p);
    return p;
  }

  function startService(p: Peer): Promise<ContentService> {
    return ContentService.start({
      store: p.node.store,
      app: p.node.app,
      blocks: p.node.executor,
      libp2p: p.host.libp2p,
      logger,
      fetcher: { minRetryMs: 200 },
    });
  }

  /** The same block on every node; answers node 0's results. */
  async function block(txs: Uint8Array[]): Promise<ExecTxResult[]> {
    let first: ExecTxResult[] | undefined;
    for (const p of peers) {
      const r = await p.node.block(txs);
      first ??= r.txResults;
      assert.equal(toHex(r.appHash), toHex((await peers[0]!.node.app.info()).lastBlockAppHash));
    }
    for (const [i, r] of first!.entries()) assert.equal(r.code, 0, `tx ${i}: ${r.log}`);
    return first!;
  }

  it("push to A while pending; approval → B fetches from A; C catches up at start", async () => {
    const [alice, bob, carol] = await Promise.all([signer("alice"), signer("bob"), signer("carol")]);
    const a = await peer(true);
    const b = await peer(true);
    const c = await peer(false);
    await connect(b.host, a.host);
    const sign = (...args: Parameters<ChainNode["sign"]>) => a.node.sign(...args);

    await block([await sign(alice, create(alice.address, { needsApproval: true }))]);
    const declared = contribute(bob.address, 1n, {
      contentHash: HASH,
      size: BigInt(CONTENT.length),
      mediaType: "application/jsonl",
    });
    await block([
      await sign(bob, declared),
      await sign(carol, contributeText(carol.address, 1n, "inline note")),
    ]);
    for (const p of peers)
      assert.equal(await p.node.store.has(sha("inline note")), true, "inline: with its block");

    // The contributor pushes to A once the contribution is committed (pending).
    const server = await httpServer(a.service!.httpRoute);
    try {
      const res = await fetch(`${server.url}/content/${toHex(HASH)}`, { method: "PUT", body: CONTENT });
      assert.equal(res.status, 201);
    } finally {
      await server.close();
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await b.node.store.has(HASH), false, "pending content is not fetched");

    const approval = await block([
      await sign(alice, review(alice.address, 1n, APPROVE), review(alice.address, 2n, APPROVE)),
    ]);
    assert.deepEqual(approvedIds(approval), [1n, 2n]);
    await until(() => b.node.store.has(HASH), "B to fetch the approved content");
    assert.equal(toHex((await b.node.store.get(HASH))!), toHex(CONTENT));
    assert.ok(lines.some((l) => l.msg === "content fetched and verified" && l.peer === a.host.peerId));

    // C ran the blocks without a content service; started now, its scan finds the gap. Its inline
    // content is dropped too, as on a node that executed the blocks before the store existed.
    await c.node.t.db.del(manifestKey(sha("inline note")));
    await connect(c.host, b.host);
    c.service = await startService(c);
    await c.service.catchUp;
    await until(() => c.node.store.has(HASH), "C to fetch the approved content");
    assert.equal(toHex((await c.node.store.get(HASH))!), toHex(CONTENT));
    assert.equal(toHex((await c.node.store.get(sha("inline note")))!), toHex(text("inline note")));
  });
});
