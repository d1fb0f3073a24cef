// Determinism: apps fed the same blocks agree on every app hash and tx result; one different tx
// gives a different app hash from that block on.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { buildModules, STORE_NAMES } from "../../modules/index.js";
import { BaseApp } from "../../node/app/baseapp.js";
import { CommittedStore } from "../../node/store/committed-store.js";
import {
  buildTx,
  coin,
  genesisApp,
  MSG_MULTI_SEND_URL,
  msgSend,
  runBlock,
  type Signer,
  START_BALANCE,
  signer,
  type TestApp,
} from "./helpers.js";

const FRESH = "open1qurswpc8qurswpc8qurswpc8qurswpc8yc4zuk";

/** A few blocks of mixed txs: sends, a multi-send, a new account, failures, garbage, empty blocks. */
async function makeBlocks(
  variant: { aliceAmount: bigint } = { aliceAmount: 1_000n },
): Promise<Uint8Array[][]> {
  const [alice, bob, carol, dave, eve] = (await Promise.all(
    (["alice", "bob", "carol", "dave", "eve"] as const).map((n) => signer(n)),
  )) as [Signer, Signer, Signer, Signer, Signer];
  const tx = async (s: Signer, msgs: Parameters<typeof buildTx>[1]["msgs"], sequence: bigint, memo = "") =>
    (await buildTx(s, { msgs, sequence, memo })).bytes;
  return [
    [
      await tx(alice, [msgSend(alice.address, bob.address, [coin(variant.aliceAmount)])], 0n),
      await tx(bob, [msgSend(bob.address, carol.address, [coin(2_000)])], 0n, "hello"),
    ],
    [
      await tx(
        carol,
        [
          {
            typeUrl: MSG_MULTI_SEND_URL,
            value: {
              inputs: [{ address: carol.address, coins: [coin(300)] }],
              outputs: [
                { address: dave.address, coins: [coin(100)] },
                { address: eve.address, coins: [coin(200)] },
              ],
            },
          },
        ],
        0n,
      ),
      // Fails in its message: fee and sequence only.
      await tx(dave, [msgSend(dave.address, eve.address, [coin(START_BALANCE * 3n)])], 0n),
      // Refused in the ante handler (wrong sequence), and plain garbage.
      await tx(eve, [msgSend(eve.address, alice.address, [coin(1)])], 5n),
      Uint8Array.of(1, 2, 3),
    ],
    [],
    [
      await tx(alice, [msgSend(alice.address, FRESH, [coin(42)])], 1n),
      await tx(dave, [msgSend(dave.address, FRESH, [coin(58)])], 1n),
      await tx(
        eve,
        [msgSend(eve.address, alice.address, [coin(1)]), msgSend(eve.address, bob.address, [coin(2)])],
        0n,
      ),
    ],
  ];
}

function resultView(r: ExecTxResult) {
  return {
    code: r.code,
    codespace: r.codespace,
    log: r.log,
    gasWanted: r.gasWanted,
    gasUsed: r.gasUsed,
    data: toHex(r.data),
    events: JSON.stringify(r.events),
  };
}

describe("determinism", () => {
  const open: TestApp[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });
  async function fresh(): Promise<TestApp> {
    const t = await genesisApp();
    open.push(t);
    return t;
  }

  it("two fresh apps fed the same blocks agree on the app hash and every result after every block", async () => {
    const blocks = await makeBlocks();
    const a = await fresh();
    const b = await fresh();
    assert.equal(
      toHex(a.app.info().lastBlockAppHash),
      toHex(b.app.info().lastBlockAppHash),
      "same genesis hash",
    );
    const hashes = new Set<string>([toHex(a.app.info().lastBlockAppHash)]);
    for (const [i, txs] of blocks.entries()) {
      const ra = await runBlock(a.app, txs);
      const rb = await runBlock(b.app, txs);
      assert.equal(toHex(ra.appHash), toHex(rb.appHash), `block ${i + 1}`);
      assert.deepEqual(rb.txResults.map(resultView), ra.txResults.map(resultView), `block ${i + 1} results`);
      assert.deepEqual(rb.events, ra.events);
      if (txs.length > 0) hashes.add(toHex(ra.appHash));
    }
    // Every non-empty block moved the state.
    assert.equal(hashes.size, 1 + blocks.filter((b) => b.length > 0).length);
  });

  it("the results are the expected mix (so the agreement above is over real work)", async () => {
    const blocks = await makeBlocks();
    const a = await fresh();
    const codes: number[][] = [];
    for (const txs of blocks) codes.push((await runBlock(a.app, txs)).txResults.map((r) => r.code));
    assert.deepEqual(codes, [[0, 0], [0, 5, 32, 2], [], [0, 0, 0]]);
  });

  it("an empty block leaves the app hash as it was", async () => {
    const a = await fresh();
    const before = toHex(a.app.info().lastBlockAppHash);
    const r = await runBlock(a.app, []);
    assert.equal(toHex(r.appHash), before);
    assert.equal(a.app.info().lastBlockHeight, 1n);
  });

  it("an app restarted from its LevelDB mid-chain agrees with one that never stopped", async () => {
    const blocks = await makeBlocks();
    const a = await fresh();
    const b = await fresh();
    for (const txs of blocks.slice(0, 2)) {
      await runBlock(a.app, txs);
      await runBlock(b.app, txs);
    }
    // Reload b's committed state from disk into a new BaseApp on the same database.
    const committed = await CommittedStore.load(b.db, STORE_NAMES);
    const { modules, ante } = buildModules();
    const restarted = new BaseApp({ chainId: b.app.chainId, db: b.db, committed, modules, ante });
    assert.equal(toHex(restarted.info().lastBlockAppHash), toHex(a.app.info().lastBlockAppHash));
    assert.equal(restarted.info().lastBlockHeight, 2n);
    for (const txs of blocks.slice(2)) {
      const ra = await runBlock(a.app, txs);
      const rr = await runBlock(restarted, txs);
      assert.equal(toHex(rr.appHash), toHex(ra.appHash));
      assert.deepEqual(rr.txResults.map(resultView), ra.txResults.map(resultView));
    }
  });

  it("one different tx gives a different app hash from its block on", async () => {
    const same = await makeBlocks();
    const other = await makeBlocks({ aliceAmount: 1_001n });
    assert.notDeepEqual(other[0]![0], same[0]![0]);
    assert.deepEqual(other[0]![1], same[0]![1], "only alice's first tx differs");
    const a = await fresh();
    const c = await fresh();
    for (const [i, txs] of same.entries()) {
      const ra = await runBlock(a.app, txs);
      const rc = await runBlock(c.app, other[i]!);
      assert.notEqual(toHex(rc.appHash), toHex(ra.appHash), `block ${i + 1}`);
      // The txs themselves all succeed or fail alike; only the state differs.
      assert.deepEqual(
        rc.txResults.map((r) => r.code),
        ra.txResults.map((r) => r.code),
      );
    }
  });
});
