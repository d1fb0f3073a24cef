// The real application (openAbciApp over a temp home) served over ABCI and driven at the wire level
// with cosmjs-types Requests: InitChain with the dev genesis, CheckTx, a block through
// PrepareProposal / ProcessProposal / FinalizeBlock / Commit whose app hash matches the same BaseApp
// run in-process, Info and Query after it, pipelining, split frames, malformed frames, app errors,
// a restart; and over a unix socket, InitChain again before block 1 with initial_height 5.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { type AbciApp, openAbciApp } from "../../node/abci/app.js";
import { AbciServer } from "../../node/abci/server.js";
import type { InitChainRequest } from "../../node/app/application.js";
import { devGenesis } from "../../node/genesis/dev-genesis.js";
import { keyFromSecret } from "../../node/types/ed25519.js";
import { rfc3339ToTimestamp } from "../../node/types/time.js";
import {
  type BuiltTx,
  buildTx,
  coin,
  devAddress,
  msgSend,
  newApp,
  START_BALANCE,
  signer,
  type TestApp,
} from "../app/helpers.js";
import { delimited, kind, type PartialRequest, RawClient } from "./client.js";

const validator = keyFromSecret("abci-test-validator");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ns = (ts: Timestamp) => ts.seconds * 1_000_000_000n + BigInt(ts.nanos);

async function makeHome(initialHeight = "1") {
  const home = await mkdtemp(join(tmpdir(), "openledger-abci-"));
  const genesis = devGenesis(validator.pubKey);
  genesis.initial_height = initialHeight;
  await mkdir(join(home, "config"), { recursive: true });
  await writeFile(join(home, "config", "genesis.json"), JSON.stringify(genesis));
  return { home, genesis };
}

async function serve(home: string, address: string): Promise<{ abci: AbciApp; server: AbciServer }> {
  const abci = await openAbciApp(home);
  const server = await AbciServer.start(abci.app, { address, initialHeight: abci.initialHeight });
  return { abci, server };
}

function initChainRequest(genesis: ReturnType<typeof devGenesis>): PartialRequest {
  return {
    initChain: {
      time: rfc3339ToTimestamp(genesis.genesis_time),
      chainId: genesis.chain_id,
      validators: [{ pubKey: { ed25519: validator.pubKey }, power: 10n }],
      appStateBytes: new TextEncoder().encode(JSON.stringify(genesis.app_state)),
      initialHeight: BigInt(genesis.initial_height),
    },
  };
}

function balanceQuery(address: string): PartialRequest {
  const data = QueryBalanceRequest.encode({ address, denom: "uopen" }).finish();
  return { query: { path: "/cosmos.bank.v1beta1.Query/Balance", data, height: 0n, prove: false } };
}

describe("ABCI server: the real app at the wire level", function () {
  this.timeout(60_000);
  let home: string;
  let genesis: ReturnType<typeof devGenesis>;
  let abci: AbciApp;
  let server: AbciServer;
  let ref: TestApp;
  let c: RawClient;
  let tx: BuiltTx;
  let tx2: BuiltTx;
  let appHash1: Uint8Array;
  const alice = devAddress("alice");
  const bob = devAddress("bob");

  before(async () => {
    ({ home, genesis } = await makeHome());
    ({ abci, server } = await serve(home, "tcp://127.0.0.1:0"));
    ref = await newApp();
    const s = await signer("alice");
    tx = await buildTx(s, { msgs: [msgSend(alice, bob, [coin(1000)])] });
    tx2 = await buildTx(s, { msgs: [msgSend(alice, bob, [coin(7)])], sequence: 1n });
    c = await RawClient.connect({ port: server.port! });
  });
  after(async () => {
    c?.close();
    await server?.close();
    await abci?.close();
    await ref?.close();
    await rm(home, { recursive: true, force: true });
  });

  const info = async () => (await c.call({ info: {} })).info!;

  it("echo, flush and info on a fresh app", async () => {
    assert.equal((await c.call({ echo: { message: "hello" } })).echo?.message, "hello");
    assert.equal(kind(await c.call({ flush: {} })), "flush");
    const i = await info();
    assert.equal(i.lastBlockHeight, 0n);
    assert.equal(i.lastBlockAppHash.length, 0);
    assert.equal(i.version, "0.1.0");
    assert.equal(i.data, "openledger");
  });

  it("InitChain with the dev genesis returns the app hash the same BaseApp computes in-process", async () => {
    const req = initChainRequest(genesis);
    const res = (await c.call(req)).initChain!;
    assert.equal(res.appHash.length, 32);
    const initReq: InitChainRequest = {
      chainId: genesis.chain_id,
      timeNs: ns(rfc3339ToTimestamp(genesis.genesis_time)),
      initialHeight: 1n,
      appState: genesis.app_state,
      validators: [{ pubKey: validator.pubKey, power: 10n }],
    };
    const local = await ref.app.initChain(initReq);
    assert.equal(hex(res.appHash), hex(local.appHash));
    assert.deepEqual(
      res.validators.map((v) => `${Buffer.from(v.pubKey.ed25519 ?? []).toString("hex")}:${v.power}`),
      local.validators.map((v) => `${Buffer.from(v.pubKey).toString("hex")}:${v.power}`),
    );
    // Genesis only: height 0, as the SDK reports before block 1.
    assert.equal((await info()).lastBlockHeight, 0n);
  });

  it("CheckTx: a signed bank send is code 0, garbage is sdk code 2", async () => {
    const ok = (await c.call({ checkTx: { tx: tx.bytes, type: 0 } })).checkTx!;
    assert.equal(ok.code, 0, ok.log);
    assert.equal(ok.gasWanted, 200_000n);
    const bad = (await c.call({ checkTx: { tx: Uint8Array.of(1, 2, 3), type: 0 } })).checkTx!;
    assert.equal(bad.code, 2);
    assert.equal(bad.codespace, "sdk");
  });

  it("a frame split across many writes", async () => {
    const bytes = Buffer.from(delimited({ checkTx: { tx: tx2.bytes } }));
    c.socket.setNoDelay(true);
    for (let i = 0; i < bytes.length; i += 7) {
      c.write(bytes.subarray(i, i + 7));
      await sleep(1);
    }
    const res = (await c.next()).checkTx!;
    assert.equal(res.code, 0, res.log);
  });

  it("PrepareProposal and ProcessProposal", async () => {
    const big = (await c.call({ prepareProposal: { txs: [tx.bytes], maxTxBytes: 1_000_000n, height: 1n } }))
      .prepareProposal!;
    assert.deepEqual(big.txs, [tx.bytes]);
    const small = (await c.call({ prepareProposal: { txs: [tx.bytes], maxTxBytes: 10n } })).prepareProposal!;
    assert.deepEqual(small.txs, []);
    assert.equal((await c.call({ processProposal: { txs: [tx.bytes] } })).processProposal?.status, 1);
    assert.equal(
      (await c.call({ processProposal: { txs: [new Uint8Array(0)] } })).processProposal?.status,
      2,
    );
  });

  it("FinalizeBlock at height 1: tx code 0 and the in-process app hash; Commit; Info at height 1", async () => {
    const time = rfc3339ToTimestamp(genesis.genesis_time);
    time.seconds += 5n;
    const hash = new Uint8Array(32).fill(0xaa);
    const res = (
      await c.call({
        finalizeBlock: { txs: [tx.bytes], height: 1n, time, hash, proposerAddress: validator.address },
      })
    ).finalizeBlock!;
    assert.equal(res.txResults.length, 1);
    assert.equal(res.txResults[0]!.code, 0, res.txResults[0]!.log);
    const local = ref.app.finalizeBlock({
      height: 1n,
      timeNs: ns(time),
      txs: [tx.bytes],
      hash,
      proposerAddress: validator.address,
      misbehavior: [],
    });
    assert.equal(hex(res.appHash), hex(local.appHash));
    assert.deepEqual(res.txResults.map(ExecTxResult.toJSON), local.txResults.map(ExecTxResult.toJSON));
    assert.equal(JSON.stringify(res.events), JSON.stringify(local.events));
    assert.equal((await c.call({ commit: {} })).commit?.retainHeight, 0n);
    await ref.app.commit();
    appHash1 = res.appHash;
    const i = await info();
    assert.equal(i.lastBlockHeight, 1n);
    assert.equal(hex(i.lastBlockAppHash), hex(appHash1));
  });

  it("Query Balance shows the new balance at height 1; RECHECK of the included tx fails", async () => {
    const q = (await c.call(balanceQuery(bob))).query!;
    assert.equal(q.code, 0, q.log);
    assert.equal(q.height, 1n);
    assert.equal(QueryBalanceResponse.decode(q.value).balance?.amount, (START_BALANCE + 1000n).toString());
    const old = (await c.call({ query: { path: "/cosmos.bank.v1beta1.Query/Balance", height: 7n } })).query!;
    assert.notEqual(old.code, 0);
    const re = (await c.call({ checkTx: { tx: tx.bytes, type: 1 } })).checkTx!;
    assert.equal(re.code, 32, re.log); // account sequence mismatch
  });

  it("several requests pipelined in one write are answered in order", async () => {
    c.send(
      { echo: { message: "a" } },
      { info: {} },
      { checkTx: { tx: Uint8Array.of(0xff) } },
      balanceQuery(alice),
      { flush: {} },
      { echo: { message: "b" } },
    );
    const got = [];
    for (let i = 0; i < 6; i++) got.push(await c.next());
    assert.deepEqual(got.map(kind), ["echo", "info", "checkTx", "query", "flush", "echo"]);
    assert.equal(got[0]!.echo?.message, "a");
    assert.equal(got[5]!.echo?.message, "b");
    assert.equal(got[2]!.checkTx?.code, 2);
  });

  it("malformed frames and app errors: exception, closed socket, state unchanged", async () => {
    const before = await info();
    const bad: Uint8Array[] = [
      new Uint8Array(11).fill(0x80),
      Uint8Array.of(0x81, 0x80, 0x80, 0x80, 0x01), // 256 MiB + 1
      Uint8Array.of(3, 0x42, 0x05, 0x0a), // check_tx cut short
      Uint8Array.of(2, 0x3a, 0x00), // BeginBlock (reserved 7)
    ];
    for (const bytes of bad) {
      const x = await RawClient.connect({ port: server.port! });
      x.write(bytes);
      assert.match((await x.next()).exception?.error ?? "", /^malformed ABCI message/);
      await x.closed;
    }
    const x = await RawClient.connect({ port: server.port! });
    const res = await x.call({ finalizeBlock: { height: 5n, txs: [tx2.bytes] } });
    assert.equal(res.exception?.error, "finalizeBlock failed: finalizeBlock at height 5, expected 2");
    await x.closed;
    const y = await RawClient.connect({ port: server.port! });
    const again = await y.call(initChainRequest(genesis));
    assert.match(again.exception?.error ?? "", /^initChain failed: initChain on a chain that has state/);
    await y.closed;
    assert.deepEqual(await info(), before);
  });

  it("after a restart Info shows height 1 and the same app hash", async () => {
    c.close();
    await server.close();
    await abci.close();
    ({ abci, server } = await serve(home, "tcp://127.0.0.1:0"));
    c = await RawClient.connect({ port: server.port! });
    const i = await info();
    assert.equal(i.lastBlockHeight, 1n);
    assert.equal(hex(i.lastBlockAppHash), hex(appHash1));
  });
});

describe("ABCI server: the real app over a unix socket, initial_height 5", function () {
  this.timeout(60_000);

  it("InitChain, a restart before the first block, InitChain again (same hash), block 5", async () => {
    const { home, genesis } = await makeHome("5");
    const address = `unix://${join(home, "abci.sock")}`;
    let { abci, server } = await serve(home, address);
    try {
      let c = await RawClient.connect({ path: join(home, "abci.sock") });
      const first = (await c.call(initChainRequest(genesis))).initChain!;
      assert.equal(first.appHash.length, 32);
      let i = (await c.call({ info: {} })).info!;
      assert.equal(i.lastBlockHeight, 0n, "genesis state at height 4 is reported as 0");
      c.close();
      await server.close();
      await abci.close();
      ({ abci, server } = await serve(home, address));
      c = await RawClient.connect({ path: join(home, "abci.sock") });
      assert.equal((await c.call({ info: {} })).info?.lastBlockHeight, 0n);
      const second = (await c.call(initChainRequest(genesis))).initChain!;
      assert.equal(hex(second.appHash), hex(first.appHash));
      assert.deepEqual(second.validators, []);
      const block = (await c.call({ finalizeBlock: { height: 5n, time: { seconds: 1n, nanos: 0 } } }))
        .finalizeBlock!;
      assert.equal(block.appHash.length, 32);
      await c.call({ commit: {} });
      i = (await c.call({ info: {} })).info!;
      assert.equal(i.lastBlockHeight, 5n);
      assert.equal(hex(i.lastBlockAppHash), hex(block.appHash));
      c.close();
    } finally {
      await server.close();
      await abci.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
