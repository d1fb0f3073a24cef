// The LevelDB tx index: search by hash, height, range, attribute, AND; ordering; exact paging.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { toHexUpper, txHash } from "../../node/rpc/encoding.js";
import { parseQuery } from "../../node/rpc/query.js";
import { type Db, DbPrefix, openDb, type PutOp } from "../../node/store/db.js";
import { TxIndex } from "../../node/store/tx-index.js";

const utf8 = new TextEncoder();

function result(
  sender: string,
  amount: number,
  extra: Array<[string, string, string, boolean]> = [],
): ExecTxResult {
  return {
    code: 0,
    data: new Uint8Array(),
    log: "",
    info: "",
    gasWanted: 1n,
    gasUsed: 1n,
    codespace: "",
    events: [
      {
        type: "message",
        attributes: [
          { key: "sender", value: sender, index: true },
          { key: "secret", value: "hidden", index: false },
        ],
      },
      { type: "transfer", attributes: [{ key: "amount", value: `${amount}stake`, index: true }] },
      ...extra.map(([type, key, value, index]) => ({ type, attributes: [{ key, value, index }] })),
    ],
  };
}

describe("tx index (LevelDB)", () => {
  let dir: string;
  let db: Db;
  let index: TxIndex;
  const txAt = (h: number, i: number) => utf8.encode(`tx-${h}-${i}`);
  const pos = (r: { height: bigint; index: number }) => `${r.height}:${r.index}`;
  const search = (q: string, opts = {}) => index.search(parseQuery(q), opts);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "txindex-"));
    db = await openDb(dir);
    index = new TxIndex(db);
    // heights 1..40, 3 txs each; senders alice/bob/carol by index; amount = height*10 + index
    for (let h = 1; h <= 40; h++) {
      const txs = [0, 1, 2].map((i) => ({
        tx: txAt(h, i),
        index: i,
        result: result(
          ["alice", "bob", "carol"][i]!,
          h * 10 + i,
          h === 7 && i === 1 ? [["ibc", "port", "transfer", true]] : [],
        ),
      }));
      await db.batch(index.indexOps(BigInt(h), txs));
    }
  });

  after(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("get by hash round-trips the record", async () => {
    const rec = await index.get(txHash(txAt(5, 2)));
    assert.equal(rec?.height, 5n);
    assert.equal(rec?.index, 2);
    assert.deepEqual(rec?.tx, txAt(5, 2));
    assert.equal(rec?.result.events[0]?.attributes[0]?.value, "carol");
    assert.equal(await index.get(new Uint8Array(32)), undefined);
  });

  it("tx.hash (any case), and other conditions still apply", async () => {
    const h = toHexUpper(txHash(txAt(9, 1)));
    for (const q of [`tx.hash='${h}'`, `tx.hash='${h.toLowerCase()}'`]) {
      const r = await search(q);
      assert.equal(r.totalCount, 1);
      assert.equal(pos(r.txs[0]!), "9:1");
    }
    assert.equal((await search(`tx.hash='${h}' AND message.sender='bob'`)).totalCount, 1);
    assert.equal((await search(`tx.hash='${h}' AND message.sender='alice'`)).totalCount, 0);
    assert.equal((await search("tx.hash='ABCD'")).totalCount, 0);
  });

  it("tx.height equality and ranges use the key order", async () => {
    assert.deepEqual((await search("tx.height=5")).txs.map(pos), ["5:0", "5:1", "5:2"]);
    assert.equal((await search("tx.height>38")).totalCount, 6);
    assert.equal((await search("tx.height>=38")).totalCount, 9);
    assert.equal((await search("tx.height<2")).totalCount, 3);
    assert.equal((await search("tx.height<=2")).totalCount, 6);
    assert.equal((await search("tx.height>5 AND tx.height<8")).totalCount, 6);
    assert.equal((await search("tx.height>2.5 AND tx.height<3.5")).totalCount, 3);
    assert.equal((await search("tx.height>40")).totalCount, 0);
    assert.equal((await search("tx.height>-3")).totalCount, 120);
    assert.equal((await search("tx.height='5'")).totalCount, 3);
    assert.equal((await search("tx.height EXISTS")).totalCount, 120);
    assert.equal((await search("tx.height CONTAINS '3'")).totalCount, 13 * 3); // 3, 13, 23, 30-39
  });

  it("event attributes: =, AND, CONTAINS, EXISTS, numeric ranges; non-indexed attributes are absent", async () => {
    assert.equal((await search("message.sender='bob'")).totalCount, 40);
    assert.deepEqual((await search("message.sender='bob' AND tx.height=7")).txs.map(pos), ["7:1"]);
    assert.deepEqual((await search("ibc.port='transfer'")).txs.map(pos), ["7:1"]);
    assert.equal((await search("ibc.port EXISTS AND message.sender='alice'")).totalCount, 0);
    assert.equal((await search("message.sender CONTAINS 'o'")).totalCount, 80);
    assert.equal((await search("transfer.amount>=392")).totalCount, 4); // 392, 400, 401, 402
    assert.equal((await search("transfer.amount>400")).totalCount, 2);
    assert.equal((await search("message.secret='hidden'")).totalCount, 0);
    assert.equal((await search("message.sender='dave'")).totalCount, 0);
  });

  it("order and pagination with an exact total_count", async () => {
    const asc = await search("message.sender='alice'", { perPage: 7, page: 2 });
    assert.equal(asc.totalCount, 40);
    assert.deepEqual(
      asc.txs.map(pos),
      [8, 9, 10, 11, 12, 13, 14].map((h) => `${h}:0`),
    );
    const desc = await search("message.sender='alice'", { perPage: 7, page: 1, orderBy: "desc" });
    assert.deepEqual(
      desc.txs.map(pos),
      [40, 39, 38, 37, 36, 35, 34].map((h) => `${h}:0`),
    );
    const last = await search("message.sender='alice'", { perPage: 7, page: 6 });
    assert.equal(last.txs.length, 5);
    assert.equal((await search("tx.height>0")).txs.length, 30, "per_page defaults to 30");
    assert.equal(
      (await search("tx.height>0", { perPage: 1000 })).txs.length,
      100,
      "per_page is capped at 100",
    );
    await assert.rejects(
      search("message.sender='alice'", { perPage: 7, page: 7 }),
      /page should be within \[1, 6\] range, given 7/,
    );
    await assert.rejects(search("tx.height>0", { page: 0 }), /page should be within/);
    const empty = await search("message.sender='nobody'", { page: 1 });
    assert.deepEqual(empty, { txs: [], totalCount: 0 });
    await assert.rejects(search("tx.height>0", { orderBy: "sideways" }), /order_by/);
    // paging through everything visits each tx exactly once
    const seen = new Set<string>();
    for (let page = 1; page <= 3; page++) {
      for (const t of (await search("tx.height>0 AND transfer.amount EXISTS", { page, perPage: 50 })).txs)
        seen.add(pos(t));
    }
    assert.equal(seen.size, 120);
  });

  it("height ranges read only the keys in range", async () => {
    let reads = 0;
    const counting = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop !== "iterator") {
          const v = Reflect.get(target, prop, receiver);
          return typeof v === "function" ? v.bind(target) : v;
        }
        return (opts: object) => {
          const it = target.iterator(opts);
          return (async function* () {
            for await (const entry of it) {
              reads++;
              yield entry;
            }
          })();
        };
      },
    });
    const r = await new TxIndex(counting as Db).search(parseQuery("tx.height>=39 AND tx.height<=39"));
    assert.equal(r.totalCount, 3);
    assert.equal(reads, 2, "the tx.height records of heights 39 and 40 only");
  });

  it("one event record per block and value lists the txs carrying it, each once", async () => {
    const dup = (i: number): ExecTxResult => {
      const r = result("dana", 5);
      r.events.push({ type: "message", attributes: [{ key: "sender", value: "dana", index: true }] });
      r.events[0]!.attributes.push({ key: "sender", value: `solo${i}`, index: true });
      return r;
    };
    const txs = [0, 1, 2].map((i) => ({ tx: utf8.encode(`dup-${i}`), index: i, result: dup(i) }));
    const ops = index.indexOps(500n, txs);
    const events = ops.filter((o): o is PutOp => o.type === "put" && o.key[0] === DbPrefix.TxEventBlock);
    // tx.height, message.sender=dana, transfer.amount=5stake, message.sender=solo0..2
    assert.equal(events.length, 6);
    const dana = events.find((o) => Buffer.from(o.key).includes("dana"))!;
    assert.equal(dana.value.length, 3 * 36, "three txs, each listed once");
    await db.batch(ops);
    const r = await search("message.sender='dana' AND tx.height=500");
    assert.deepEqual(r.txs.map(pos), ["500:0", "500:1", "500:2"]);
    assert.deepEqual(
      (await search("message.sender='solo1'")).txs.map((t) => t.tx),
      [utf8.encode("dup-1")],
    );
    await db.batch(ops.map((o) => ({ type: "del" as const, key: o.key })));
  });

  it("attributes with the same composite key from different event types share records", async () => {
    const r = result("erin", 1, [
      ["a.b", "c", "same", true],
      ["a", "b.c", "same", true],
    ]);
    const txs = [0, 1].map((i) => ({ tx: utf8.encode(`composite-${i}`), index: i, result: r }));
    const ops = index.indexOps(600n, txs);
    const records = ops.filter((o) => Buffer.from(o.key).includes("a.b.c"));
    assert.equal(records.length, 1, "one record, not two writes of the same key");
    await db.batch(ops);
    assert.deepEqual((await search("a.b.c='same'")).txs.map(pos), ["600:0", "600:1"]);
    await db.batch(ops.map((o) => ({ type: "del" as const, key: o.key })));
  });

  it("values that encode to the same bytes (lone surrogates become U+FFFD) share a record", async () => {
    const txs = ["\ud800", "\udc00"].map((v, i) => ({
      tx: utf8.encode(`surrogate-${i}`),
      index: i,
      result: result("fay", 1, [["odd", "v", v, true]]),
    }));
    const records = index
      .indexOps(700n, txs)
      .filter((o): o is PutOp => o.type === "put" && Buffer.from(o.key).includes("odd.v"));
    assert.equal(records.length, 1);
    assert.equal(records[0]!.value.length, 2 * 36);
  });

  it("an empty block writes no index records", () => {
    assert.deepEqual(index.indexOps(800n, []), []);
  });

  it("writes the documented keys", async () => {
    const ops = index.indexOps(99n, [{ tx: utf8.encode("k"), index: 3, result: result("zed", 1) }]);
    const prefixes = ops.map((o) => o.key[0]);
    assert.equal(prefixes.filter((p) => p === DbPrefix.TxHash).length, 1);
    // tx.height + message.sender + transfer.amount (message.secret is not indexed)
    assert.equal(prefixes.filter((p) => p === DbPrefix.TxEventBlock).length, 3);
  });
});
