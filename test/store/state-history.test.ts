// Historical state versions (pruning window, restart, copy-on-write sharing) and the ICS23 proofs
// served from them, checked with the real @confio/ics23 verifiers against each height's app hash.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ics23 } from "@confio/ics23";
import { InvalidProofError } from "../../light/errors.js";
import { verifyStoreProof } from "../../light/proof.js";
import { CommittedStore } from "../../node/store/committed-store.js";
import { type Db, DbPrefix, openDb } from "../../node/store/db.js";
import { encodeCommitmentProof } from "../../node/store/ics23-proofs.js";
import { MerkleTree } from "../../node/store/merkle-tree.js";
import { CacheMultiStore } from "../../node/store/multi-store.js";
import { HistoryBusyError, UnavailableHeightError } from "../../node/store/state-history.js";
import { type ProofOp, proveStoreKey, versionAppHash } from "../../node/store/store-proofs.js";

const STORES = ["alpha", "bank", "zeta"];
const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** mulberry32. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Model = Map<string, Map<string, string>>;

/** Commits `blocks` heights of random writes (with deletes), returning the model after each height. */
async function run(db: Db, store: CommittedStore, from: bigint, blocks: number, rnd: () => number) {
  const models = new Map<bigint, Model>();
  const appHashes = new Map<bigint, Uint8Array>();
  for (let i = 0; i < blocks; i++) {
    const h = from + BigInt(i);
    const ms = new CacheMultiStore(store);
    for (let w = 0; w < 12; w++) {
      const name = STORES[Math.floor(rnd() * STORES.length)]!;
      const key = enc(`k${Math.floor(rnd() * 40)}`);
      if (rnd() < 0.25) ms.store(name).delete(key);
      else ms.store(name).set(key, enc(`v${h}-${w}`));
    }
    const { appHash, ops } = store.commit(h, ms.writes);
    await db.batch(ops);
    appHashes.set(h, appHash);
    models.set(h, snapshotModel(store));
  }
  return { models, appHashes };
}

function snapshotModel(store: CommittedStore): Model {
  const m: Model = new Map();
  for (const name of STORES) {
    const entries = new Map<string, string>();
    for (const [k, v] of store.store(name).iterator()) entries.set(hex(k), hex(v));
    m.set(name, entries);
  }
  return m;
}

function decodeOps(ops: ProofOp[]) {
  return ops.map((op) => ({ ...op, proof: ics23.CommitmentProof.decode(op.data) }));
}

describe("state history and store proofs", () => {
  let dir: string;
  let db: Db;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "openledger-history-"));
    db = await openDb(dir);
  });
  afterEach(async () => {
    await db.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  it("serves every kept height exactly, app hash included, before and after a restart; prunes the rest", async () => {
    const keep = 10;
    let store = await CommittedStore.load(db, STORES, { keepRecent: keep });
    const genesis = new CacheMultiStore(store);
    genesis.store("bank").set(enc("seed"), enc("1"));
    await db.batch(store.commit(0n, genesis.writes).ops);
    const { models, appHashes } = await run(db, store, 1n, 30, prng(7));
    const check = (s: CommittedStore) => {
      assert.equal(s.earliestHeight, 30n - BigInt(keep) + 1n);
      for (let h = 30n; h >= s.earliestHeight; h--) {
        const v = s.at(h);
        assert.equal(hex(versionAppHash(v)), hex(appHashes.get(h)!), `app hash at ${h}`);
        for (const name of STORES) {
          const got = new Map<string, string>();
          for (const [k, val] of v.store(name).iterator()) got.set(hex(k), hex(val));
          assert.deepEqual(got, models.get(h)!.get(name), `store ${name} at ${h}`);
        }
      }
      assert.throws(
        () => s.at(s.earliestHeight - 1n),
        (e: unknown) => e instanceof UnavailableHeightError && e.reason === "pruned",
      );
      assert.throws(
        () => s.at(31n),
        (e: unknown) => e instanceof UnavailableHeightError && e.reason === "future",
      );
    };
    check(store);
    // The live state is unchanged by rebuilding old versions.
    assert.deepEqual(snapshotModel(store), models.get(30n));
    // Exactly keep-1 diff records are on disk.
    let records = 0;
    for await (const _ of db.keys({
      gte: Uint8Array.of(DbPrefix.StateHistory),
      lt: Uint8Array.of(DbPrefix.StateHistory + 1),
    }))
      records++;
    assert.equal(records, keep - 1);
    // In memory the history is those same encoded records, nothing more (no decoded objects).
    const onDisk = async () => {
      let bytes = 0;
      for await (const v of db.values({
        gte: Uint8Array.of(DbPrefix.StateHistory),
        lt: Uint8Array.of(DbPrefix.StateHistory + 1),
      }))
        bytes += v.length;
      return bytes;
    };
    assert.equal(store.historyBytes, await onDisk());
    await db.close();
    db = await openDb(dir);
    store = await CommittedStore.load(db, STORES, { keepRecent: keep });
    check(store);
    assert.equal(store.historyBytes, await onDisk());
    // Lowering the window at start prunes the records beyond it.
    await db.close();
    db = await openDb(dir);
    store = await CommittedStore.load(db, STORES, { keepRecent: 3 });
    assert.equal(store.earliestHeight, 28n);
    assert.equal(hex(versionAppHash(store.at(28n))), hex(appHashes.get(28n)!));
  });

  it("proves present and absent keys at past heights; tampered value, key, step or root fail", async () => {
    const store = await CommittedStore.load(db, STORES, { keepRecent: 5 });
    const genesis = new CacheMultiStore(store);
    for (const name of STORES)
      for (let i = 0; i < 20; i++) genesis.store(name).set(enc(`k${i * 2}`), enc(`g${i}`));
    await db.batch(store.commit(0n, genesis.writes).ops);
    const { appHashes } = await run(db, store, 1n, 6, prng(3));
    for (const h of [3n, 5n, 6n]) {
      const v = store.at(h);
      const appHash = appHashes.get(h)!;
      for (let i = 0; i < 45; i++) {
        const key = enc(`k${i}`);
        const { value, ops } = proveStoreKey(v, "bank", key);
        verifyStoreProof(ops, appHash, "bank", key, value);
        const [op1] = decodeOps(ops);
        assert.equal(Boolean(op1!.proof.exist), value !== undefined);
      }
    }
    const v = store.at(4n);
    const appHash = appHashes.get(4n)!;
    const present = [...v.store("bank").iterator()][3]!;
    const { value, ops } = proveStoreKey(v, "bank", present[0]);
    assert.ok(value);
    verifyStoreProof(ops, appHash, "bank", present[0], value);
    const rejects = (f: () => void) => assert.throws(f, InvalidProofError);
    rejects(() => verifyStoreProof(ops, appHash, "bank", present[0], enc("forged")));
    rejects(() => verifyStoreProof(ops, appHash, "bank", present[0], undefined));
    rejects(() => verifyStoreProof(ops, appHash, "bank", enc("k999"), value));
    rejects(() => verifyStoreProof(ops, appHash, "alpha", present[0], value));
    const badRoot = new Uint8Array(appHash);
    badRoot[0]! ^= 1;
    rejects(() => verifyStoreProof(ops, badRoot, "bank", present[0], value));
    // A changed inner step of either op.
    for (const which of [0, 1]) {
      const decoded = decodeOps(ops);
      const exist = decoded[which]!.proof.exist!;
      const step = exist.path![0]!;
      const bytes = step.suffix && step.suffix.length > 0 ? step.suffix : step.prefix!;
      bytes[bytes.length - 1]! ^= 1;
      const tampered = ops.map((op, i) =>
        i === which ? { ...op, data: ics23.CommitmentProof.encode(decoded[which]!.proof).finish() } : op,
      );
      rejects(() => verifyStoreProof(tampered, appHash, "bank", present[0], value));
    }
    // An absent key answered as absent verifies; claiming a value for it fails.
    const absent = proveStoreKey(v, "bank", enc("k1"));
    assert.equal(absent.value, undefined);
    verifyStoreProof(absent.ops, appHash, "bank", enc("k1"), undefined);
    rejects(() => verifyStoreProof(absent.ops, appHash, "bank", enc("k1"), enc("x")));
    // A present key's proof cannot be passed off as absence.
    rejects(() => verifyStoreProof(ops, appHash, "bank", present[0], undefined));
    // Our encoder and protobufjs agree on the bytes.
    const round = ics23.CommitmentProof.encode(ics23.CommitmentProof.decode(ops[0]!.data)).finish();
    assert.equal(hex(round), hex(ops[0]!.data));
    assert.ok(encodeCommitmentProof);
  });

  it("proves a key absent from an empty store; a neighbourless proof for a non-empty store fails", async () => {
    const store = await CommittedStore.load(db, STORES, { keepRecent: 5 });
    const genesis = new CacheMultiStore(store);
    genesis.store("bank").set(enc("b"), enc("1"));
    await db.batch(store.commit(0n, genesis.writes).ops);
    for (const h of [1n, 2n, 3n]) {
      const ms = new CacheMultiStore(store);
      ms.store("bank").set(enc(`b${h}`), enc("2"));
      if (h === 2n) ms.store("zeta").set(enc("z"), enc("3"));
      await db.batch(store.commit(h, ms.writes).ops);
    }
    // "alpha" stays empty; "zeta" is empty at 1, holds one key from 2 on.
    const v = store.at(1n);
    const appHash = versionAppHash(v);
    const absent = proveStoreKey(v, "alpha", enc("anything"));
    assert.equal(absent.value, undefined);
    verifyStoreProof(absent.ops, appHash, "alpha", enc("anything"), undefined);
    verifyStoreProof(proveStoreKey(v, "zeta", enc("z")).ops, appHash, "zeta", enc("z"), undefined);
    assert.throws(
      () => verifyStoreProof(absent.ops, appHash, "alpha", enc("other"), undefined),
      InvalidProofError,
    );
    // The same neighbourless proof, claimed for a store that is not empty, does not link.
    const v3 = store.at(3n);
    const zeta = proveStoreKey(v3, "zeta", enc("y"));
    const forged = [absent.ops[0]!, zeta.ops[1]!].map((op, i) =>
      i === 0 ? { ...op, key: enc("y"), data: encodeCommitmentProof({ nonexist: { key: enc("y") } }) } : op,
    );
    assert.throws(
      () => verifyStoreProof(forged, versionAppHash(v3), "zeta", enc("y"), undefined),
      InvalidProofError,
    );
    verifyStoreProof(zeta.ops, versionAppHash(v3), "zeta", enc("y"), undefined);
  });

  it("caps the rebuild work per second: a burst of old-height queries is refused until the budget refills", async () => {
    // A small budget (64 KiB of reverse diffs per second) and blocks of ~2.5 KiB of changes each.
    const store = await CommittedStore.load(db, STORES, { keepRecent: 20, rebuildBytesPerSecond: 64 * 1024 });
    await db.batch(store.commit(0n, new CacheMultiStore(store).writes).ops);
    for (let h = 1n; h <= 20n; h++) {
      const ms = new CacheMultiStore(store);
      for (let w = 0; w < 64; w++) ms.store("bank").set(enc(`key-${w}`), enc(`${h}-${"x".repeat(20)}`));
      await db.batch(store.commit(h, ms.writes).ops);
    }
    store.at(2n); // 18 blocks undone: most of the budget
    assert.throws(() => store.at(3n), HistoryBusyError, "no budget left for a second rebuild at once");
    assert.equal(store.at(20n).height, 20n, "the latest height needs no rebuild");
    assert.equal(store.at(2n).height, 2n, "a cached version costs nothing");
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(store.at(3n).height, 3n, "served once the budget refilled");
  });

  it("snapshots share structure: writes to one copy never show in the other", () => {
    const a = new MerkleTree();
    for (let i = 0; i < 200; i++) a.set(enc(`key${i}`), enc(`v${i}`));
    const rootA = hex(a.rootHash());
    const b = a.snapshot();
    for (let i = 0; i < 200; i += 3) b.set(enc(`key${i}`), enc("changed"));
    b.delete(enc("key1"));
    a.set(enc("key2"), enc("a-only"));
    a.set(enc("key2"), enc("v2"));
    assert.equal(hex(a.rootHash()), rootA);
    assert.equal(a.get(enc("key0"))?.length, 2);
    assert.equal(new TextDecoder().decode(b.get(enc("key0"))), "changed");
    assert.equal(b.get(enc("key1")), undefined);
    assert.equal(b.size, 199);
    assert.equal(a.size, 200);
  });
});
