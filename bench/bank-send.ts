// Bank-send throughput benchmark (`npm run bench`; not a test).
//
// Starts a dev node (bin/openledgerd.js start --dev) as a child process in a temporary home, funds
// --accounts fresh accounts from the dev accounts with MsgMultiSend, pre-signs --txs MsgSend txs
// offline with the stock cosmjs signer (DirectSecp256k1Wallet.signDirect + TxRaw, fixed gas and fee,
// one worker per core; not timed), then broadcasts them as fast as the node takes them: JSON-RPC
// batches of broadcast_tx_sync (or _async) on several keep-alive connections, each sender's txs in
// sequence order on one connection, retrying those refused as "mempool is full". A tx's acceptance
// time is its broadcast response; its inclusion time is when the node logs the commit of the block
// that holds it (blocks are fetched afterwards to map tx hashes to heights). Prints committed TPS
// (first broadcast to last commit) and the steady-state TPS between the first and last blocks,
// inclusion latency, refusals, per-block tx counts, the node's checkTx and finalize histograms from
// /metrics, CPU shares, and the one-core rate of the node's own native secp256k1 verifier with the
// ratio TPS / verify rate; then one JSON line with the figures. Stops the node, removes its home.
//
//   npm run bench                                   # 50,000 sends from 1,000 accounts
//   npm run bench -- --txs 100000 --block-interval 2000 --conns 8 --batch 100
//   npm run bench -- --cpu-prof                     # profile the node, print its hottest functions
//   npm run bench -- --node-root /path/to/baseline  # the same run against another checkout's node
// See also bench/phases.ts (in-process cost per phase) and bench/cpu-profile.ts.
//
// Parts: options.ts (flags), node-process.ts (the node child), rpc.ts (JSON-RPC), fund.ts,
// presign.ts (+ presign-worker.ts, lib.ts), verify-rate.ts, broadcast.ts, inclusion.ts (block
// following), metrics.ts (/metrics histograms), cpu-usage.ts, report.ts, format.ts.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { broadcast } from "./broadcast.js";
import { cpuShares, cpuSnapshot } from "./cpu-usage.js";
import { fmt } from "./format.js";
import { fund } from "./fund.js";
import { awaitCommits, inclusion } from "./inclusion.js";
import { PREFIX, signerOf } from "./lib.js";
import { diffHistogram, fetchMetrics } from "./metrics.js";
import { freePort, NodeProcess, nodeProfileSummary } from "./node-process.js";
import { fail, flags, log, opt, parseBankSendOptions } from "./options.js";
import { presign } from "./presign.js";
import { printReport } from "./report.js";
import { Rpc } from "./rpc.js";
import { measureVerify } from "./verify-rate.js";

parseBankSendOptions();

async function main(): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), "openledger-bench-"));
  const profileDir = flags["cpu-prof"] ? join(home, "profile") : undefined;
  let node: NodeProcess | undefined;
  let rpc: Rpc | undefined;
  let profileText = "";
  const cleanup = async () => {
    rpc?.close();
    rpc = undefined;
    await node?.stop();
    node = undefined;
    if (profileDir) profileText = await nodeProfileSummary(profileDir);
    if (!flags["keep-home"]) await rm(home, { recursive: true, force: true });
    else log(`kept ${home}`);
  };
  const onSignal = () => {
    interrupted = true;
    log("interrupted: stopping the node and removing its home");
    cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    // Keys first (while nothing else runs): random private keys, stock cosmjs wallets.
    let t = performance.now();
    const privkeys = Array.from({ length: opt.accounts }, () => new Uint8Array(randomBytes(32)));
    const senders = await Promise.all(
      privkeys.map(async (key) => signerOf(await DirectSecp256k1Wallet.fromKey(key, PREFIX))),
    );
    log(`derived ${senders.length} keys in ${fmt(performance.now() - t)} ms`);

    node = new NodeProcess(home, await freePort(), profileDir);
    await node.until(() => node!.rpcPort > 0, 60_000, "the node to start");
    rpc = new Rpc(node.rpcPort, opt.conns);
    log(`node up, rpc port ${node.rpcPort}, home ${home}`);
    await fund(rpc, node, senders);
    log(`funded; account numbers ${senders[0]!.accountNumber}..${senders.at(-1)!.accountNumber}`);

    t = performance.now();
    const w = await presign(senders, privkeys);
    const presignMs = performance.now() - t;
    log(
      `pre-signed ${w.txs.length} sends in ${fmt(presignMs)} ms (${fmt(w.txs.length / (presignMs / 1000))}/s)`,
    );

    // One simulate, to show the fixed gas covers a send (not per tx).
    const sim = SimulateResponse.decode(
      await rpc.abciQuery(
        "/cosmos.tx.v1beta1.Service/Simulate",
        SimulateRequest.encode({ txBytes: w.txs[0]! }).finish(),
      ),
    );
    const gasUsed = Number(sim.gasInfo?.gasUsed ?? 0n);
    if (BigInt(gasUsed) > opt.gas) fail(`a send uses ${gasUsed} gas, more than --gas ${opt.gas}`);

    const verifyRate = measureVerify(w.samples, opt.verifyMs);
    log(`raw secp256k1 verify: ${fmt(verifyRate)}/s on one core`);

    const before = await fetchMetrics(node.metricsPort);
    const startHeight = node.height;
    const load = loadavg()[0]!;
    log(`broadcasting ${w.txs.length} txs (${opt.mode}, ${opt.conns} conns, batch ${opt.batch})`);
    const cpuStart = cpuSnapshot(node.child.pid);
    const b = await broadcast([rpc], w, senders.length);
    const cpuBroadcast = cpuSnapshot(node.child.pid);
    log(
      `broadcast done: ${b.accepted} accepted, ${b.refused} refused in ${fmt(b.finished - b.started)} ms; waiting for commits`,
    );

    await awaitCommits(node, startHeight, b.accepted);
    const cpuEnd = cpuSnapshot(node.child.pid);
    const after = await fetchMetrics(node.metricsPort);

    const inc = await inclusion(rpc, node, w, b, startHeight);
    const check = diffHistogram(
      before.get("openledger_check_tx_seconds"),
      after.get("openledger_check_tx_seconds"),
    );
    const fin = diffHistogram(
      before.get("openledger_finalize_block_seconds"),
      after.get("openledger_finalize_block_seconds"),
    );
    const shares = cpuShares(cpuStart, cpuEnd);
    const sharesBroadcast = cpuShares(cpuStart, cpuBroadcast);

    await cleanup();
    printReport({
      load,
      accounts: senders.length,
      txs: w.txs.length,
      gasUsed,
      presignMs,
      b,
      inc,
      verifyRate,
      check,
      fin,
      shares,
      sharesBroadcast,
    });

    if (profileText) process.stdout.write(profileText);
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Set on SIGINT/SIGTERM: the run is being torn down, later errors are its echo. */
let interrupted = false;

main().then(
  () => process.exit(0),
  (err) => {
    if (interrupted) return;
    process.stderr.write(
      `bank-send failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
