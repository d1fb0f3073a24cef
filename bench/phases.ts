// In-process per-phase cost of a bank send on the node's own code path, without RPC or a client
// competing for the CPU: mempool admission (checkTx), then block production split into
// finalizeBlock, tx index ops, block store ops, LevelDB batches, app commit and mempool update,
// plus GC time. Complements bank-send.ts when looking for where the time goes.
//
//   node --import tsx bench/phases.ts --txs 20000 --block-txs 5000 --accounts 500 [--cpu-prof out.cpuprofile]
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Session } from "node:inspector";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { buildModules, STORE_NAMES } from "../modules/index.js";
import { BaseApp } from "../node/app/baseapp.js";
import { BlockExecutor } from "../node/consensus/block-executor.js";
import { handshake } from "../node/consensus/handshake.js";
import { SingleValidatorProducer } from "../node/consensus/single-validator.js";
import { devGenesis } from "../node/genesis/dev-genesis.js";
import { parseGenesisDoc } from "../node/genesis/genesis-doc.js";
import { initHome } from "../node/genesis/init-home.js";
import { Mempool } from "../node/mempool/mempool.js";
import { BlockStore } from "../node/store/block-store.js";
import { CommittedStore } from "../node/store/committed-store.js";
import { openDb } from "../node/store/db.js";
import { BlockIndexWriter, TxIndex } from "../node/store/tx-index.js";
import {
  devSigners,
  feeFor,
  multiSendBody,
  multiSendGas,
  PREFIX,
  type Signer,
  sendBody,
  signerOf,
  signTx,
} from "./lib.js";

const { values: flags } = parseArgs({
  options: {
    txs: { type: "string", default: "20000" },
    "block-txs": { type: "string", default: "5000" },
    accounts: { type: "string", default: "500" },
    gas: { type: "string", default: "100000" },
    /** Write a .cpuprofile of the measured part only (admission and blocks) to this path. */
    "cpu-prof": { type: "string" },
  },
});
const TXS = Number(flags.txs);
const BLOCK_TXS = Number(flags["block-txs"]);
const ACCOUNTS = Number(flags.accounts);
const GAS = BigInt(flags.gas);

/** Accumulated milliseconds per phase. */
const phases = new Map<string, number>();
const add = (name: string, ms: number) => phases.set(name, (phases.get(name) ?? 0) + ms);
let recording = false;

/** Replaces obj[method], an instance's or a prototype's, with a timed wrapper (sync or async). */
function timed<T extends object>(obj: T, method: keyof T & string, name: string): void {
  const orig = obj[method] as (...a: unknown[]) => unknown;
  (obj as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    const t = performance.now();
    const out = orig.apply(this, args);
    if (out instanceof Promise) {
      add(`${name} (sync part)`, recording ? performance.now() - t : 0);
      return out.finally(() => recording && add(name, performance.now() - t));
    }
    if (recording) add(name, performance.now() - t);
    return out;
  };
}

let gcMs = 0;
new PerformanceObserver((list) => {
  if (recording) for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ["gc"] });

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), "openledger-phases-"));
  try {
    const { genesis: genesisJson, validator } = await initHome(home, (pk) => devGenesis(pk));
    const genesis = parseGenesisDoc(genesisJson);
    const db = await openDb(join(home, "data/openledger.db"));
    const committed = await CommittedStore.load(db, STORE_NAMES);
    const { modules, ante } = buildModules();
    const app = new BaseApp({ chainId: genesis.chainId, db, committed, modules, ante });
    const blockStore = await BlockStore.open(db);
    const txIndex = new TxIndex(db);
    const mempool = new Mempool(app);
    const executor = new BlockExecutor({ app, db, blockStore, txIndex, mempool });
    await handshake(app, genesis, blockStore, executor);
    const producer = new SingleValidatorProducer({
      genesis,
      key: validator,
      app,
      mempool,
      blockStore,
      executor,
      blockIntervalMs: 1000,
    });
    await producer.init();
    timed(mempool, "add", "checkTx (mempool.add)");
    timed(app, "finalizeBlock", "finalizeBlock (runTx deliver + app hash)");
    timed(BlockIndexWriter.prototype, "add", "tx index: record per tx");
    timed(BlockIndexWriter.prototype, "finish", "tx index: event records per block");
    timed(blockStore, "saveOps", "block store ops");
    timed(db, "batch", "db.batch (array batches: app state; the block goes in a chained batch)");
    timed(app, "commit", "app.commit");
    timed(mempool, "update", "mempool.update (recheck)");

    // Fund fresh accounts.
    const devs = await devSigners();
    const load = (s: Signer) => {
      const q = app.query({
        path: "/cosmos.auth.v1beta1.Query/Account",
        data: QueryAccountRequest.encode({ address: s.address }).finish(),
        prove: false,
      });
      if (q.code !== 0) throw new Error(`account ${s.address}: ${q.log}`);
      const acc = BaseAccount.decode(QueryAccountResponse.decode(q.value).account!.value);
      s.accountNumber = acc.accountNumber;
      s.sequence = acc.sequence;
    };
    const senders: Signer[] = await Promise.all(
      Array.from({ length: ACCOUNTS }, async () =>
        signerOf(await DirectSecp256k1Wallet.fromKey(randomBytes(32), PREFIX)),
      ),
    );
    for (const d of devs) load(d);
    const each = (feeFor(GAS) + 2n) * BigInt(Math.ceil(TXS / ACCOUNTS) + 10);
    for (let i = 0, k = 0; i < senders.length; i += 200, k++) {
      const dev = devs[k % devs.length]!;
      const outs = senders.slice(i, i + 200).map((s) => s.address);
      const tx = await signTx(
        dev,
        multiSendBody(dev.address, outs, each),
        multiSendGas(outs.length),
        dev.sequence++,
      );
      const r = mempool.add(tx);
      if (r.code !== 0) throw new Error(`funding refused: ${r.log}`);
    }
    await producer.produce();
    for (const s of senders) load(s);

    let t = performance.now();
    const bodies = senders.map((s, i) => sendBody(s.address, senders[(i + 1) % senders.length]!.address, 1n));
    const txs: Uint8Array[] = [];
    for (let i = 0; i < TXS; i++) {
      const k = i % senders.length;
      const s = senders[k]!;
      txs.push(await signTx(s, bodies[k]!, GAS, s.sequence++));
    }
    process.stderr.write(`pre-signed ${TXS} txs in ${(performance.now() - t).toFixed(0)} ms\n`);

    const profiler = flags["cpu-prof"] ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await post(profiler, "Profiler.enable");
      await post(profiler, "Profiler.start");
    }
    recording = true;
    t = performance.now();
    let produceMs = 0;
    for (let i = 0; i < txs.length; i += BLOCK_TXS) {
      for (const tx of txs.slice(i, i + BLOCK_TXS)) {
        const r = mempool.add(tx);
        if (r.code !== 0) throw new Error(`refused: ${r.log}`);
      }
      const p = performance.now();
      await producer.produce();
      produceMs += performance.now() - p;
    }
    const totalMs = performance.now() - t;
    recording = false;
    if (profiler) {
      const { profile } = (await post(profiler, "Profiler.stop")) as { profile: object };
      await writeFile(flags["cpu-prof"]!, JSON.stringify(profile));
      profiler.disconnect();
    }
    add("produce (whole block)", produceMs);

    const rows = [...phases].filter(([k]) => !k.endsWith("(sync part)") || phases.get(k)! > 0);
    const us = (ms: number) => ((ms * 1000) / TXS).toFixed(1).padStart(7);
    process.stdout.write(
      `phases for ${TXS} bank sends, ${Math.ceil(TXS / BLOCK_TXS)} blocks of ≤ ${BLOCK_TXS} (µs per tx, ms total)\n`,
    );
    for (const [k, ms] of rows)
      process.stdout.write(`  ${us(ms)} µs ${ms.toFixed(0).padStart(7)} ms  ${k}\n`);
    process.stdout.write(
      `  ${us(gcMs)} µs ${gcMs.toFixed(0).padStart(7)} ms  GC pauses (inside the above)\n`,
    );
    process.stdout.write(
      `  ${us(totalMs)} µs ${totalMs.toFixed(0).padStart(7)} ms  total → ${((TXS / totalMs) * 1000).toFixed(0)} tx/s on one thread\n`,
    );
    await db.close();
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function post(session: Session, method: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session.post(method, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(
      `phases failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
