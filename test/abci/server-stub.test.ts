// The ABCI server's connection handling over a stub Application that records its calls: app calls
// from all connections run one at a time, responses keep request order, app errors and malformed
// frames give Response.exception and a closed socket (and no app call).
import assert from "node:assert/strict";
import type { CheckTxType } from "cosmjs-types/tendermint/abci/types";
import { AbciServer } from "../../node/abci/server.js";
import { kind, RawClient, uvarint } from "./client.js";
import { StubApp, until } from "./stub-app.js";

describe("ABCI server: connections over a stub app", () => {
  let app: StubApp;
  let server: AbciServer;
  const clients: RawClient[] = [];
  const connect = async () => {
    const c = await RawClient.connect({ port: server.port! });
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    app = new StubApp();
    server = await AbciServer.start(app, { address: "tcp://127.0.0.1:0" });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  it("four connections (as CometBFT opens them); a commit in flight holds every other app call", async () => {
    const [consensus, mempool, query, snapshot] = [
      await connect(),
      await connect(),
      await connect(),
      await connect(),
    ];
    app.commitDelayMs = 150;
    consensus.send({ commit: {} }, { flush: {} });
    await until(() => app.log.includes("commit:start"));
    mempool.send({ checkTx: { tx: Uint8Array.of(1, 2, 3) } }, { flush: {} });
    query.send({ query: { path: "/p" } }, { flush: {} });
    snapshot.send({ listSnapshots: {} }, { flush: {} });
    assert.equal(kind(await consensus.next()), "commit");
    assert.equal(kind(await consensus.next()), "flush");
    assert.equal(kind(await mempool.next()), "checkTx");
    assert.equal(kind(await query.next()), "query");
    assert.deepEqual((await snapshot.next()).listSnapshots, { snapshots: [] });
    assert.deepEqual(app.log, ["commit:start", "commit:end", "checkTx 3", "query /p"]);
  });

  it("flush is answered after the responses before it, and echo is echoed", async () => {
    const c = await connect();
    app.commitDelayMs = 80;
    c.send({ commit: {} }, { echo: { message: "after commit" } }, { flush: {} });
    assert.equal(kind(await c.next()), "commit");
    assert.equal((await c.next()).echo?.message, "after commit");
    assert.equal(kind(await c.next()), "flush");
  });

  it("an app error is Response.exception naming the method, then the connection closes", async () => {
    const c = await connect();
    const other = await connect();
    app.throwOnCheckTx = true;
    c.send({ checkTx: { tx: Uint8Array.of(9) } }, { info: {} });
    const res = await c.next();
    assert.equal(res.exception?.error, "checkTx failed: boom");
    await c.closed;
    assert.equal(c.leftover, 0);
    // The request after the failing one was never run; other connections go on.
    assert.deepEqual(app.log, ["checkTx 1"]);
    assert.equal((await other.call({ echo: { message: "still here" } })).echo?.message, "still here");
  });

  it("malformed frames: exception, closed socket, no app call", async () => {
    const frames: [string, Uint8Array][] = [
      ["bad varint", new Uint8Array(11).fill(0xff)],
      ["over 100 MiB", uvarint(100 * 1024 * 1024 + 1)],
      ["undecodable", Uint8Array.of(4, 0x0a, 0x05, 0x0a, 0x09)],
      ["unknown oneof (SetOption)", Uint8Array.of(2, 0x22, 0x00)],
      ["empty request", Uint8Array.of(0)],
    ];
    for (const [name, bytes] of frames) {
      const c = await connect();
      c.write(bytes);
      const res = await c.next();
      assert.match(res.exception?.error ?? "", /^malformed ABCI message: /, name);
      await c.closed;
    }
    assert.deepEqual(app.log, []);
  });

  it("requests before a malformed frame in the same write are answered first", async () => {
    const c = await connect();
    c.write(
      Buffer.concat([
        Uint8Array.of(9, 0x0a, 0x07, 0x0a, 0x05, ...Buffer.from("hello")),
        Uint8Array.of(2, 0x22, 0x00),
      ]),
    );
    assert.equal((await c.next()).echo?.message, "hello");
    assert.match((await c.next()).exception?.error ?? "", /unknown request field 4/);
    await c.closed;
  });

  it("maps info, snapshots, vote extensions and proposals", async () => {
    const c = await connect();
    const info = (await c.call({ info: { version: "0.38.17" } })).info!;
    assert.equal(info.lastBlockHeight, 7n);
    assert.deepEqual(info.lastBlockAppHash, Uint8Array.of(1, 2));
    assert.equal(info.appVersion, 3n);
    assert.equal(info.version, "stub");
    assert.equal((await c.call({ offerSnapshot: {} })).offerSnapshot?.result, 3); // REJECT
    assert.deepEqual((await c.call({ loadSnapshotChunk: {} })).loadSnapshotChunk?.chunk, new Uint8Array(0));
    assert.equal((await c.call({ applySnapshotChunk: {} })).applySnapshotChunk?.result, 5); // REJECT_SNAPSHOT
    assert.deepEqual((await c.call({ extendVote: {} })).extendVote?.voteExtension, new Uint8Array(0));
    assert.equal((await c.call({ verifyVoteExtension: {} })).verifyVoteExtension?.status, 1); // ACCEPT
    assert.equal((await c.call({ processProposal: { txs: [Uint8Array.of(1)] } })).processProposal?.status, 1);
  });

  it("InitChain and FinalizeBlock carry validators, app_state, time and misbehavior both ways", async () => {
    const c = await connect();
    const pub = new Uint8Array(32).fill(1);
    const init = (
      await c.call({
        initChain: {
          chainId: "stub-1",
          time: { seconds: 2n, nanos: 5 },
          initialHeight: 0n,
          validators: [{ pubKey: { ed25519: pub }, power: 10n }],
          appStateBytes: new TextEncoder().encode('{"bank":{"balances":[]}}'),
        },
      })
    ).initChain!;
    assert.deepEqual(init.validators, [
      { pubKey: { ed25519: new Uint8Array(32).fill(7), secp256k1: undefined }, power: 3n },
    ]);
    assert.deepEqual(app.seen.initChain, {
      chainId: "stub-1",
      timeNs: 2_000_000_005n,
      initialHeight: 1n,
      appState: { bank: { balances: [] } },
      validators: [{ pubKey: pub, power: 10n }],
    });
    const addr = new Uint8Array(20).fill(9);
    const misbehavior = { validator: { address: addr, power: 10n }, height: 3n, totalVotingPower: 40n };
    const fin = (
      await c.call({
        finalizeBlock: {
          txs: [Uint8Array.of(1)],
          height: 4n,
          time: { seconds: 10n, nanos: 1 },
          hash: Uint8Array.of(2),
          proposerAddress: Uint8Array.of(3),
          misbehavior: [
            { ...misbehavior, type: 1, time: { seconds: 9n, nanos: 0 } }, // DUPLICATE_VOTE
            { ...misbehavior, type: 0, time: { seconds: 9n, nanos: 0 } }, // UNKNOWN: dropped
          ],
        },
      })
    ).finalizeBlock!;
    assert.deepEqual(fin.validatorUpdates, [
      { pubKey: { ed25519: new Uint8Array(32).fill(8), secp256k1: undefined }, power: 0n },
    ]);
    assert.deepEqual(app.seen.finalizeBlock, {
      height: 4n,
      timeNs: 10_000_000_001n,
      txs: [Uint8Array.of(1)],
      hash: Uint8Array.of(2),
      proposerAddress: Uint8Array.of(3),
      misbehavior: [
        {
          type: "duplicateVote",
          validatorAddress: addr,
          height: 3n,
          timeNs: 9_000_000_000n,
          totalVotingPower: 40n,
        },
      ],
    });
  });

  it("bad InitChain inputs and an unknown CheckTx type are exceptions before any app call", async () => {
    const cases: [Parameters<RawClient["call"]>[0], RegExp][] = [
      [
        { initChain: { appStateBytes: new TextEncoder().encode("[1]") } },
        /app_state_bytes must be a JSON object/,
      ],
      [{ initChain: { appStateBytes: new TextEncoder().encode("{") } }, /app_state_bytes is not JSON/],
      [
        { initChain: { validators: [{ pubKey: { secp256k1: new Uint8Array(33) }, power: 1n }] } },
        /only ed25519 public keys/,
      ],
      [
        { checkTx: { tx: Uint8Array.of(1), type: 5 as CheckTxType } },
        /checkTx failed: unknown CheckTx type 5/,
      ],
    ];
    for (const [req, re] of cases) {
      const c = await connect();
      assert.match((await c.call(req)).exception?.error ?? "", re);
      await c.closed;
    }
    assert.deepEqual(app.log, []);
  });

  it("close() waits for the app call in flight", async () => {
    const c = await connect();
    app.commitDelayMs = 100;
    c.send({ commit: {} });
    await until(() => app.log.includes("commit:start"));
    await server.close();
    assert.deepEqual(app.log, ["commit:start", "commit:end"]);
  });
});
