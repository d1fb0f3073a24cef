// Height and prove rules of abci_query (node/app/query-height.ts) against the Cosmos SDK's:
// "/store/…" with prove needs an explicit height > 1; other paths resolve height 0 to the latest
// first (CreateQueryContext), so prove with no height is accepted there once the chain is past 1.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { queryVersion } from "../../node/app/query-height.js";
import { CommittedStore } from "../../node/store/committed-store.js";
import { type Db, openDb } from "../../node/store/db.js";
import { CacheMultiStore } from "../../node/store/multi-store.js";

const enc = (s: string) => new TextEncoder().encode(s);

describe("abci_query heights and prove", () => {
  let dir: string;
  let db: Db;
  let store: CommittedStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "openledger-query-height-"));
    db = await openDb(dir);
    store = await CommittedStore.load(db, ["bank"], { keepRecent: 3 });
    for (let h = 0n; h <= 5n; h++) {
      const ms = new CacheMultiStore(store);
      ms.store("bank").set(enc(`k${h}`), enc("v"));
      await db.batch(store.commit(h, ms.writes).ops);
    }
  });
  afterEach(async () => {
    await db.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  const code = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return (err as { code?: number }).code;
    }
    return 0;
  };
  const q = (path: string, height: bigint | undefined, prove: boolean) => () =>
    queryVersion(store, { path, data: enc("k1"), height, prove });
  const GRPC = "/cosmos.bank.v1beta1.Query/Balance";

  it("store paths need an explicit height > 1 with prove; gRPC paths resolve 0 to the latest first", () => {
    assert.equal(code(q("/store/bank/key", 0n, true)), 18);
    assert.equal(code(q("/store/bank/key", 1n, true)), 18);
    assert.equal(code(q("/store/bank/key", 4n, true)), 0);
    assert.equal(code(q(GRPC, 1n, true)), 18);
    assert.equal(code(q(GRPC, 0n, true)), 0);
    assert.equal(queryVersion(store, { path: GRPC, data: enc(""), prove: true }).height, 5n);
    assert.equal(code(q(GRPC, 6n, true)), 26);
    assert.equal(code(q(GRPC, 2n, false)), 38);
  });
});
