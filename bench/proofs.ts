// bench:proofs — ICS23 store proofs, in one run, printed side by side as ratios:
//   1. in process, a bank store of --keys balances (plus 20 blocks of 1,000 writes each):
//      plain reads/s, proof generation/s (present and absent keys, latest and a past height),
//      @confio/ics23 verification/s of both proof ops;
//   2. a dev node (child process): abci_query latency on "/store/bank/key" without and with
//      prove=true, and of the gRPC Balance query cosmjs sends, --queries sequential requests each.
// Options: --keys N (default 100000), --queries N (default 400), --seconds S per rate (default 1.5).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueryBalanceRequest } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { verifyStoreProof } from "../light/proof.js";
import { RpcProvider } from "../light/provider.js";
import { balanceKey } from "../modules/bank/keys.js";
import { STORE_NAMES } from "../modules/index.js";
import { parseAddress } from "../node/app/address.js";
import { CommittedStore } from "../node/store/committed-store.js";
import { openDb } from "../node/store/db.js";
import { CacheMultiStore } from "../node/store/multi-store.js";
import { proveStoreKey } from "../node/store/store-proofs.js";
import { devAccount, NodeProcess } from "../test/e2e/harness.js";
import { fmt, quantile } from "./format.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const KEYS = arg("keys", 100_000);
const QUERIES = arg("queries", 400);
const SECONDS = arg("seconds", 1.5);
const log = (s: string) => process.stderr.write(`[bench:proofs] ${s}\n`);

/** Calls f(i) for SECONDS and returns calls per second. */
function rate(f: (i: number) => void): number {
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) for (let k = 0; k < 50; k++) f(n++);
  return (n * 1000) / (performance.now() - start);
}

function address(i: number): Uint8Array {
  const a = new Uint8Array(20);
  new DataView(a.buffer).setUint32(0, i * 2654435761);
  new DataView(a.buffer).setUint32(16, i);
  return a;
}

async function inProcess() {
  const dir = await mkdtemp(join(tmpdir(), "bench-proofs-"));
  const db = await openDb(dir);
  try {
    const store = await CommittedStore.load(db, STORE_NAMES);
    const genesis = new CacheMultiStore(store);
    for (let i = 0; i < KEYS; i++)
      genesis
        .store("bank")
        .set(balanceKey(address(i * 2), "uopen"), new TextEncoder().encode(String(i * 1000)));
    await db.batch(store.commit(0n, genesis.writes).ops);
    for (let h = 1n; h <= 20n; h++) {
      const block = new CacheMultiStore(store);
      for (let w = 0; w < 1000; w++) {
        const i = Number((h * 7919n + BigInt(w) * 104729n) % BigInt(KEYS));
        block.store("bank").set(balanceKey(address(i * 2), "uopen"), new TextEncoder().encode(`${h}${w}`));
      }
      await db.batch(store.commit(h, block.writes).ops);
    }
    const latest = store.at(0n);
    const appHash = store.lastCommit.appHash;
    const present = (i: number) => balanceKey(address(((i * 7) % KEYS) * 2), "uopen");
    const absent = (i: number) => balanceKey(address(((i * 7) % KEYS) * 2 + 1), "uopen");
    const tree = latest.tree("bank");
    const reads = rate((i) => tree.get(present(i)));
    const genPresent = rate((i) => proveStoreKey(latest, "bank", present(i)));
    const genAbsent = rate((i) => proveStoreKey(latest, "bank", absent(i)));
    const t = performance.now();
    const past = store.at(10n);
    const rebuildMs = performance.now() - t;
    const genPast = rate((i) => proveStoreKey(past, "bank", present(i)));
    const proofs = Array.from({ length: 256 }, (_, i) => ({
      key: present(i),
      ...proveStoreKey(latest, "bank", present(i)),
    }));
    const absents = Array.from({ length: 256 }, (_, i) => ({
      key: absent(i),
      ...proveStoreKey(latest, "bank", absent(i)),
    }));
    const verPresent = rate((i) => {
      const p = proofs[i % 256]!;
      verifyStoreProof(p.ops, appHash, "bank", p.key, p.value);
    });
    const verAbsent = rate((i) => {
      const p = absents[i % 256]!;
      verifyStoreProof(p.ops, appHash, "bank", p.key, undefined);
    });
    const size =
      proofs.reduce((s, p) => s + p.ops[0]!.data.length + p.ops[1]!.data.length, 0) / proofs.length;
    return { reads, genPresent, genAbsent, genPast, rebuildMs, verPresent, verAbsent, size };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function latencies(
  provider: RpcProvider,
  path: string,
  data: Uint8Array,
  height: bigint,
  prove: boolean,
) {
  const ms: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const t = performance.now();
    const r = await provider.abciQuery(path, data, height, prove);
    ms.push(performance.now() - t);
    if (r.code !== 0) throw new Error(`query failed: ${r.log}`);
  }
  ms.sort((a, b) => a - b);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), mean: ms.reduce((a, b) => a + b, 0) / ms.length };
}

async function overRpc() {
  const node = await NodeProcess.create();
  try {
    await node.start({ blockIntervalMs: 1000 });
    await node.waitForHeight(3n, 30_000);
    const provider = new RpcProvider(node.rpcUrl);
    const alice = devAccount("alice").address;
    const key = balanceKey(parseAddress(alice), "uopen");
    const h = 2n;
    const grpcData = QueryBalanceRequest.encode({ address: alice, denom: "uopen" }).finish();
    await latencies(provider, "/store/bank/key", key, h, true); // warm-up
    const plain = await latencies(provider, "/store/bank/key", key, h, false);
    const proven = await latencies(provider, "/store/bank/key", key, h, true);
    const grpc = await latencies(provider, "/cosmos.bank.v1beta1.Query/Balance", grpcData, 0n, false);
    return { plain, proven, grpc };
  } finally {
    await node.destroy();
  }
}

log(`in process: ${fmt(KEYS)} bank keys, 20 blocks of 1,000 writes`);
const a = await inProcess();
log(`dev node: ${QUERIES} sequential abci_query per kind`);
const b = await overRpc();
const row = (name: string, value: string, ratio = "") =>
  process.stdout.write(`${name.padEnd(52)} ${value.padStart(14)}  ${ratio}\n`);
process.stdout.write(`\nICS23 store proofs (${fmt(KEYS)} keys in the bank store; one run)\n`);
row("plain read (tree.get) /s", fmt(a.reads));
row("proof generation, present key /s", fmt(a.genPresent), `÷ read ${(a.genPresent / a.reads).toFixed(3)}`);
row(
  "proof generation, absent key /s",
  fmt(a.genAbsent),
  `÷ present ${(a.genAbsent / a.genPresent).toFixed(2)}`,
);
row(
  "proof generation, present key, height latest−10 /s",
  fmt(a.genPast),
  `÷ latest ${(a.genPast / a.genPresent).toFixed(2)}`,
);
row("rebuild of height latest−10 (10 × 1,000 writes), ms", fmt(a.rebuildMs, 1));
row(
  "verification (@confio/ics23, 2 ops), present /s",
  fmt(a.verPresent),
  `÷ generation ${(a.verPresent / a.genPresent).toFixed(2)}`,
);
row(
  "verification, absent (non-existence) /s",
  fmt(a.verAbsent),
  `÷ present ${(a.verAbsent / a.verPresent).toFixed(2)}`,
);
row("proof size (both ops), bytes", fmt(a.size));
process.stdout.write(`\nabci_query over JSON-RPC (dev node, sequential, ${QUERIES} each), ms\n`);
const lat = (x: { p50: number; p99: number; mean: number }) => `${x.p50.toFixed(2)} / ${x.p99.toFixed(2)}`;
row("/store/bank/key, prove=false  p50 / p99", lat(b.plain));
row(
  "/store/bank/key, prove=true   p50 / p99",
  lat(b.proven),
  `mean ÷ no proof ${(b.proven.mean / b.plain.mean).toFixed(2)}`,
);
row(
  "gRPC Balance (what cosmjs sends) p50 / p99",
  lat(b.grpc),
  `mean ÷ store read ${(b.grpc.mean / b.plain.mean).toFixed(2)}`,
);
