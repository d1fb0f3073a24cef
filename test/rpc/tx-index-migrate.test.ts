// A home indexed in the retired layout (0x08: one entry per tx and attribute) is moved to per-block
// records (0x0E) at open: the same searches answer the same txs, nothing of 0x08 is left, and a
// second open moves nothing.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { txHash } from "../../node/rpc/encoding.js";
import { parseQuery } from "../../node/rpc/query.js";
import { type BatchOps, type Db, DbPrefix, openDb, prefixed, u32be, u64be } from "../../node/store/db.js";
import { prefixEnd } from "../../node/store/kv.js";
import { TxIndex } from "../../node/store/tx-index.js";
import { migrateTxEventIndex } from "../../node/store/tx-index-migrate.js";

const utf8 = new TextEncoder();

function result(sender: string, amount: number): ExecTxResult {
  return {
    code: 0,
    data: new Uint8Array(),
    log: "",
    info: "",
    gasWanted: 1n,
    gasUsed: 1n,
    codespace: "",
    events: [
      { type: "message", attributes: [{ key: "sender", value: sender, index: true }] },
      { type: "transfer", attributes: [{ key: "amount", value: `${amount}stake`, index: true }] },
    ],
  };
}

/** What the retired indexOps wrote for one tx: its 0x07 record and one 0x08 entry per attribute. */
function retiredOps(index: TxIndex, height: bigint, i: number, tx: Uint8Array, r: ExecTxResult): BatchOps {
  const ops = index
    .indexOps(height, [{ tx, index: i, result: r }])
    .filter((o) => o.key[0] === DbPrefix.TxHash);
  const hash = txHash(tx);
  const entry = (key: string, value: Uint8Array) => ({
    type: "put" as const,
    key: prefixed(
      DbPrefix.RetiredTxEvent,
      utf8.encode(key),
      Uint8Array.of(0),
      value,
      Uint8Array.of(0),
      u64be(height),
      u32be(i),
    ),
    value: hash,
  });
  ops.push(entry("tx.height", u64be(height)));
  for (const ev of r.events)
    for (const a of ev.attributes) ops.push(entry(`${ev.type}.${a.key}`, utf8.encode(a.value)));
  return ops;
}

async function count(db: Db, prefix: DbPrefix): Promise<number> {
  const gte = Uint8Array.of(prefix);
  let n = 0;
  for await (const _ of db.keys({ gte, lt: prefixEnd(gte)! })) n++;
  return n;
}

describe("tx index migration from the retired layout", () => {
  let dir: string;
  let db: Db;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "txindex-migrate-"));
    db = await openDb(dir);
  });

  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("moves every entry into per-block records that answer the same searches", async () => {
    const writer = new TxIndex(db);
    // 30 heights × 4 txs: senders alternate, amounts repeat within a block
    for (let h = 1; h <= 30; h++) {
      const ops: BatchOps = [];
      for (let i = 0; i < 4; i++) {
        ops.push(
          ...retiredOps(
            writer,
            BigInt(h),
            i,
            utf8.encode(`tx-${h}-${i}`),
            result(i % 2 ? "bob" : "alice", h % 3),
          ),
        );
      }
      await db.batch(ops);
    }
    assert.equal(await count(db, DbPrefix.RetiredTxEvent), 30 * 4 * 3);
    const progress: number[] = [];
    const moved = await migrateTxEventIndex(db, (n) => progress.push(n));
    assert.equal(moved, 360);
    assert.equal(progress.at(-1), 360);
    assert.equal(await count(db, DbPrefix.RetiredTxEvent), 0);
    // tx.height: one per block; message.sender: 2 per block; transfer.amount: 1 per block
    assert.equal(await count(db, DbPrefix.TxEventBlock), 30 * 4);

    const index = await TxIndex.open(db);
    const search = async (q: string) =>
      (await index.search(parseQuery(q), { perPage: 100 })).txs.map((t) => `${t.height}:${t.index}`);
    assert.deepEqual(await search("tx.height=7"), ["7:0", "7:1", "7:2", "7:3"]);
    assert.deepEqual(await search("message.sender='bob' AND tx.height<=3"), [
      "1:1",
      "1:3",
      "2:1",
      "2:3",
      "3:1",
      "3:3",
    ]);
    assert.equal((await search("transfer.amount='0stake'")).length, 10 * 4);
    assert.equal((await index.search(parseQuery("message.sender='alice'"))).totalCount, 60);
    assert.equal(await migrateTxEventIndex(db), 0, "nothing left to move");
  });

  it("a group whose entries are not contiguous (a value holding 0x00 sorts inside it) is merged", async () => {
    const writer = new TxIndex(db);
    const height = 100n; // bytes < 0x80, so the string below is its own UTF-8
    const h = String.fromCharCode(...u64be(height));
    // "x" ‖ 0 ‖ u64be(h) ‖ 00 00 00 01: its entry sorts between ("x", h, index 0) and ("x", h, index 2)
    const inside = `x\u0000${h}\u0000\u0000\u0000\u0001`;
    const ev = (value: string): ExecTxResult => ({
      ...result("z", 1),
      events: [{ type: "m", attributes: [{ key: "v", value, index: true }] }],
    });
    const ops: BatchOps = [];
    ops.push(...retiredOps(writer, height, 0, utf8.encode("nc-0"), ev("x")));
    ops.push(...retiredOps(writer, height, 1, utf8.encode("nc-1"), ev(inside)));
    ops.push(...retiredOps(writer, height, 2, utf8.encode("nc-2"), ev("x")));
    await db.batch(ops);
    assert.equal(await migrateTxEventIndex(db), 6);
    const index = new TxIndex(db);
    const found = await index.search(parseQuery("m.v='x'"));
    assert.deepEqual(
      found.txs.map((t) => `${t.height}:${t.index}`),
      ["100:0", "100:2"],
    );
    assert.equal((await index.search(parseQuery("tx.height=100"))).totalCount, 3);
  });
});
