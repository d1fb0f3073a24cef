// The RPC server through the stock cosmjs clients (Comet38Client, StargateClient).
import assert from "node:assert/strict";
import { StargateClient } from "@cosmjs/stargate";
import { Comet38Client, connectComet } from "@cosmjs/tendermint-rpc";
import { sha256 } from "@noble/hashes/sha2.js";
import { type RpcServer, startRpcServer } from "../../node/rpc/server.js";
import { CHAIN_ID, makeTx, SENDER, TestBackend, VAL_ADDRESS, VAL_PUBKEY } from "./fixture.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

describe("rpc server with cosmjs Comet38Client", () => {
  let backend: TestBackend;
  let server: RpcServer;
  let client: Comet38Client;
  let url: string;
  const txs = [makeTx("hello"), makeTx("fail me"), makeTx("third")];

  before(async () => {
    backend = await TestBackend.create();
    await backend.produceBlock([]);
    await backend.produceBlock(txs);
    await backend.produceBlock([]);
    server = await startRpcServer({
      laddr: "tcp://127.0.0.1:0",
      backend,
      cors: true,
      broadcastTxCommitTimeoutMs: 1000,
    });
    url = `http://127.0.0.1:${server.port}`;
    const c = await connectComet(url);
    assert.ok(c instanceof Comet38Client, "connectComet must pick Comet38Client");
    client = c;
  });

  after(async () => {
    client?.disconnect();
    await server?.close();
    await backend?.destroy();
  });

  it("status", async () => {
    const s = await client.status();
    assert.equal(s.nodeInfo.network, CHAIN_ID);
    assert.equal(s.nodeInfo.version, "0.38.17");
    assert.equal(s.nodeInfo.protocolVersion.block, 11);
    assert.equal(s.syncInfo.latestBlockHeight, 3);
    assert.equal(s.syncInfo.earliestBlockHeight, 1);
    assert.equal(s.syncInfo.catchingUp, false);
    assert.deepEqual(s.validatorInfo.address, VAL_ADDRESS);
    assert.deepEqual(s.validatorInfo.pubkey, { algorithm: "ed25519", data: VAL_PUBKEY });
    assert.equal(s.validatorInfo.votingPower, 10n);
    assert.equal(s.nodeInfo.other.get("tx_index"), "on");
  });

  it("block at height 1 (no last block id / last commit), 2 and latest", async () => {
    const b1 = await client.block(1);
    assert.equal(b1.block.header.height, 1);
    assert.equal(b1.block.header.lastBlockId, null);
    assert.equal(b1.block.lastCommit, null);
    assert.deepEqual(b1.block.txs, []);
    const b2 = await client.block(2);
    assert.equal(b2.block.txs.length, 3);
    assert.deepEqual(b2.block.txs[0], txs[0]);
    assert.deepEqual(b2.block.header.lastBlockId?.hash, b1.blockId.hash);
    assert.equal(b2.block.lastCommit?.height, 1);
    assert.equal(b2.block.lastCommit?.signatures[0]?.blockIdFlag, 2);
    assert.equal(b2.block.header.time.nanoseconds, 2000);
    const latest = await client.block();
    assert.equal(latest.block.header.height, 3);
  });

  it("block beyond the tip is a JSON-RPC error", async () => {
    await assert.rejects(client.block(99), /must be less than or equal to the current blockchain height 3/);
  });

  it("blockResults", async () => {
    const r = await client.blockResults(2);
    assert.equal(r.height, 2);
    assert.equal(r.results.length, 3);
    assert.equal(r.results[1]?.code, 11);
    assert.equal(r.results[0]?.gasUsed, 60000n);
    assert.equal(r.results[0]?.events[0]?.attributes[1]?.value, SENDER);
    assert.equal(r.finalizeBlockEvents[0]?.type, "coin_spent");
  });

  it("blockchain", async () => {
    const r = await client.blockchain(1, 3);
    assert.equal(r.lastHeight, 3);
    assert.deepEqual(
      r.blockMetas.map((m) => m.header.height),
      [3, 2, 1],
    );
    assert.equal(r.blockMetas[1]?.numTxs, 3);
  });

  it("txSearch by hash, height and event; tx by hash", async () => {
    const hash = sha256(txs[2]!);
    const byHash = await client.txSearch({ query: `tx.hash='${hex(hash)}'` });
    assert.equal(byHash.totalCount, 1);
    assert.equal(byHash.txs[0]?.index, 2);
    assert.equal(byHash.txs[0]?.height, 2);
    assert.deepEqual(byHash.txs[0]?.hash, hash);
    const byHeight = await client.txSearchAll({ query: "tx.height=2" });
    assert.equal(byHeight.totalCount, 3);
    assert.deepEqual(
      byHeight.txs.map((t) => t.index),
      [0, 1, 2],
    );
    const bySender = await client.txSearch({
      query: `message.sender='${SENDER}' AND tx.height>1`,
      order_by: "desc",
    });
    assert.deepEqual(
      bySender.txs.map((t) => t.index),
      [2, 1, 0],
    );
    const one = await client.tx({ hash });
    assert.deepEqual(one.tx, txs[2]);
    assert.equal(one.result.gasWanted, 200000n);
  });

  it("abciQuery and abciInfo", async () => {
    const q = await client.abciQuery({
      path: "/cosmos.bank.v1beta1.Query/Balance",
      data: Uint8Array.of(1, 2, 3),
    });
    assert.equal(q.code, 0);
    assert.equal(q.height, 3);
    assert.deepEqual(q.value, Uint8Array.of(3, 2, 1));
    const failed = await client.abciQuery({ path: "/fail", data: new Uint8Array() });
    assert.equal(failed.code, 22);
    assert.equal(failed.codespace, "sdk");
    const info = await client.abciInfo();
    assert.equal(info.lastBlockHeight, 3);
  });

  it("validators, commit, genesis, health, numUnconfirmedTxs", async () => {
    const v = await client.validators({ height: 2 });
    assert.equal(v.blockHeight, 2);
    assert.equal(v.total, 1);
    assert.deepEqual(v.validators[0]?.address, VAL_ADDRESS);
    const all = await client.validatorsAll();
    assert.equal(all.validators.length, 1);
    const c2 = await client.commit(2);
    assert.equal(c2.canonical, true);
    assert.equal(c2.header.height, 2);
    assert.equal(c2.commit.height, 2);
    const c3 = await client.commit();
    assert.equal(c3.canonical, false);
    const g = await client.genesis();
    assert.equal(g.chainId, CHAIN_ID);
    assert.equal(g.validators[0]?.votingPower, 10n);
    assert.equal(g.consensusParams.block?.maxBytes, 22020096);
    assert.equal(await client.health(), null);
    const n = await client.numUnconfirmedTxs();
    assert.equal(n.total, 0);
  });

  it("broadcastTxSync: success enters the mempool, CheckTx failure returns its code", async () => {
    const tx = makeTx("broadcast me");
    const ok = await client.broadcastTxSync({ tx });
    assert.equal(ok.code, 0);
    assert.deepEqual(ok.hash, sha256(tx));
    assert.equal((await client.numUnconfirmedTxs()).total, 1);
    const bad = await client.broadcastTxSync({ tx: makeTx("!broke") });
    assert.equal(bad.code, 5);
    assert.equal(bad.codespace, "sdk");
    assert.equal(bad.log, "insufficient funds");
    await assert.rejects(client.broadcastTxSync({ tx }), /tx already exists in cache/);
    await backend.produceBlock();
  });

  it("broadcastTxCommit waits for the block", async () => {
    const tx = makeTx("commit me");
    const pending = client.broadcastTxCommit({ tx });
    setTimeout(() => void backend.produceBlock(), 100);
    const r = await pending;
    assert.equal(r.checkTx.code, 0);
    assert.equal(r.txResult?.code, 0);
    assert.equal(r.height, 5);
    assert.deepEqual(r.hash, sha256(tx));
  });

  it("broadcastTxCommit times out with an error when no block comes", async () => {
    await assert.rejects(client.broadcastTxCommit({ tx: makeTx("never") }), /timed out waiting for tx/);
    backend.mempool.splice(0);
  });

  it("StargateClient: chain id, height, block, getTx, searchTx", async () => {
    const sg = await StargateClient.connect(url);
    try {
      assert.equal(await sg.getChainId(), CHAIN_ID);
      assert.equal(await sg.getHeight(), 5);
      const block = await sg.getBlock(2);
      assert.equal(block.txs.length, 3);
      assert.equal(block.header.chainId, CHAIN_ID);
      const latest = await sg.getBlock();
      assert.equal(latest.header.height, 5);
      const tx = await sg.getTx(hex(sha256(txs[1]!)));
      assert.equal(tx?.code, 11);
      assert.equal(tx?.height, 2);
      assert.equal(tx?.txIndex, 1);
      assert.equal(tx?.rawLog, "out of gas");
      const found = await sg.searchTx([
        { key: "message.sender", value: SENDER },
        { key: "tx.height", value: 2 },
      ]);
      assert.equal(found.length, 3);
      assert.equal(await sg.getTx("00".repeat(32)), null);
    } finally {
      sg.disconnect();
    }
  });
});
