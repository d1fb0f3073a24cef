// 4-validator network benchmark (`npm run bench:bft`; not a test).
//
// Measures one load twice in one run: (a) a single dev node (bin/openledgerd.js start --dev, as
// bank-send.ts runs it), (b) a local N-validator BFT network (`openledgerd testnet init` on a free
// port range, every node its own process started by testnet/launcher.ts with the consensus timeouts
// below). For each: fresh accounts funded from the dev accounts (the testnet genesis funds the same
// ones), --txs MsgSend pre-signed offline (untimed), then broadcast over JSON-RPC (broadcast_tx_sync
// batches on --conns keep-alive connections; for the network connection c goes to node c mod N, so
// the load is spread over every node's RPC and each sender's txs reach one node, in order; mempool
// gossip carries them to the proposer). Blocks are followed through the log of the dev node / of
// node0 ("committed block" lines, this process's clock); blocks are then fetched from that node's
// RPC to map tx hashes to heights. Prints committed TPS (first broadcast → last commit), steady-state
// TPS, block interval p50/p99 (consecutive commits on the followed node, from the last block before
// the load to the last block with bench txs), inclusion latency p50/p99, block counts, CPU per node
// process and the ratio network ÷ single-node committed TPS; then one JSON line. Stops every node and
// removes the temp directory, also on SIGINT/SIGTERM.
//
//   npm run bench:bft                                  # 20,000 sends from 500 accounts, 4 validators
//   npm run bench:bft -- --txs 40000 --timeout-commit 500 --only network
// Parts: testnet-process.ts (the network), bft-report.ts, and bank-send.ts's modules.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { type PhaseResult, printBftReport } from "./bft-report.js";
import { broadcast } from "./broadcast.js";
import { summarizeCpuProfile } from "./cpu-profile.js";
import { cpuShares, cpuSnapshot } from "./cpu-usage.js";
import { fmt } from "./format.js";
import { fund } from "./fund.js";
import { awaitCommits, inclusion } from "./inclusion.js";
import { CHAIN_ID, PREFIX, signerOf } from "./lib.js";
import { type BlockLog, type ChainView, freePort, NodeProcess } from "./node-process.js";
import { COMMON_HELP, fail, flags, log, opt, parseOptions, posInt } from "./options.js";
import { presign } from "./presign.js";
import { Rpc } from "./rpc.js";
import { Testnet } from "./testnet-process.js";

parseOptions(
  "bft-network",
  {
    txs: { type: "string", default: "20000" },
    accounts: { type: "string", default: "500" },
    validators: { type: "string", default: "4" },
    "timeout-commit": { type: "string", default: "1000" },
    "timeout-propose": { type: "string", default: "3000" },
    only: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
  },
  `bench/bft-network.ts: committed TPS and block latency of an N-validator loopback network beside
a single dev node, the same load on each, in one run
  --txs N              bank sends to pre-sign and broadcast, per measurement (default 20000)
  --accounts N         fresh sender accounts (default 500)
  --validators N       validators of the network, one process each (default 4)
  --timeout-commit MS  the network's --consensus.timeout_commit (default 1000)
  --timeout-propose MS the network's --consensus.timeout_propose (default 3000)
  --only single|network  run one of the two measurements
  --cpu-prof           profile every network node over the load window (cpu-prof-preload.ts); print
                       the hottest functions of node0 and of the busiest other node
${COMMON_HELP}`,
);
const validators = posInt("validators");
const timeouts = {
  commit: nonNegInt("timeout-commit"),
  propose: nonNegInt("timeout-propose"),
};
const only = flags.only;
if (only !== undefined && only !== "single" && only !== "network") fail("--only must be single or network");
if (validators < 2) fail("--validators must be at least 2 (1 is the single node)");

function nonNegInt(name: string): number {
  const n = Number(flags[name]);
  if (!Number.isSafeInteger(n) || n < 0) fail(`--${name} must be a non-negative integer`);
  return n;
}

/** A chain under load: where to broadcast, which node's log and RPC to follow, which pids to watch. */
interface Target {
  chainId: string;
  view: ChainView;
  /** The followed node's RPC (funding, blocks). */
  rpc: Rpc;
  /** Broadcast connection c posts to rpcs[c mod length]. */
  rpcs: Rpc[];
  pids: (number | undefined)[];
  mempoolsEmpty?: () => Promise<boolean>;
  /** Called when the load starts and when its last commit is in (the network's profiler). */
  mark?: () => Promise<void>;
}

/** Fund fresh accounts, pre-sign, broadcast, follow the commits: the figures of one measurement. */
async function measure(t: Target, privkeys: Uint8Array[]): Promise<PhaseResult> {
  const senders = await Promise.all(
    privkeys.map(async (key) => signerOf(await DirectSecp256k1Wallet.fromKey(key, PREFIX))),
  );
  await fund(t.rpc, t.view, senders, t.chainId);
  log(`funded; account numbers ${senders[0]!.accountNumber}..${senders.at(-1)!.accountNumber}`);
  let at = performance.now();
  const w = await presign(senders, privkeys, t.chainId);
  log(`pre-signed ${w.txs.length} sends in ${fmt(performance.now() - at)} ms`);
  // Let a block or two pass so that the pre-signing's CPU burst is over before the load.
  const h = t.view.height;
  await t.view.until(() => t.view.height >= h + 2, 30_000, "two blocks");

  const startHeight = t.view.height;
  const load = loadavg()[0]!;
  log(`broadcasting ${w.txs.length} txs over ${t.rpcs.length} RPC endpoint(s), ${opt.conns} conns`);
  await t.mark?.();
  const cpuStart = t.pids.map(cpuSnapshot);
  const b = await broadcast(t.rpcs, w, senders.length);
  log(`broadcast done: ${b.accepted} accepted, ${b.refused} refused in ${fmt(b.finished - b.started)} ms`);
  await awaitCommits(t.view, startHeight, b.accepted, t.mempoolsEmpty);
  const cpuEnd = t.pids.map(cpuSnapshot);
  const shares = cpuStart.map((s, i) => cpuShares(s, cpuEnd[i]!));
  await t.mark?.();
  at = performance.now();
  const inc = await inclusion(t.rpc, t.view, w, b, startHeight);
  log(`mapped ${fmt(inc.committed)} txs to blocks in ${fmt(performance.now() - at)} ms`);
  const lastBusy = inc.busyBlocks.at(-1)?.height ?? startHeight;
  const window = t.view.blocks.filter((x) => x.height >= startHeight && x.height <= lastBusy);
  return {
    load,
    txs: w.txs.length,
    b,
    inc,
    intervals: intervalsOf(window),
    blocks: window.slice(1),
    cpu: shares.map((s) => s.nodePct),
    clientPct: shares[0]?.clientPct,
    machinePct: shares[0]?.machinePct,
  };
}

/** Milliseconds between consecutive commits (consecutive heights only), ascending. */
function intervalsOf(blocks: BlockLog[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < blocks.length; i++) {
    if (blocks[i]!.height === blocks[i - 1]!.height + 1) out.push(blocks[i]!.at - blocks[i - 1]!.at);
  }
  return out.sort((x, y) => x - y);
}

const closers: (() => Promise<void>)[] = [];
let interrupted = false;

async function cleanupAll(): Promise<void> {
  while (closers.length > 0) await closers.pop()!().catch(() => {});
}

async function runSingle(dir: string, privkeys: Uint8Array[]): Promise<PhaseResult> {
  const node = new NodeProcess(join(dir, "single"), await freePort(), undefined);
  const rpcs: Rpc[] = [];
  const stop = async () => {
    for (const r of rpcs) r.close();
    await node.stop();
  };
  closers.push(stop);
  await node.until(() => node.rpcPort > 0, 60_000, "the dev node to start");
  rpcs.push(new Rpc(node.rpcPort, opt.conns));
  log(`single: dev node up, rpc port ${node.rpcPort}, block interval ${opt.blockInterval} ms`);
  const r = await measure(
    { chainId: CHAIN_ID, view: node, rpc: rpcs[0]!, rpcs, pids: [node.child.pid] },
    privkeys,
  );
  closers.splice(closers.indexOf(stop), 1);
  await stop();
  return r;
}

async function runNetwork(dir: string, privkeys: Uint8Array[]): Promise<PhaseResult> {
  const args = [
    "--consensus.timeout_commit",
    String(timeouts.commit),
    "--consensus.timeout_propose",
    String(timeouts.propose),
  ];
  const stopStarting = () => Testnet.stopStarting();
  closers.push(stopStarting);
  const prof = flags["cpu-prof"] ? join(dir, "profile") : undefined;
  if (prof) await mkdir(prof);
  const preload = new URL("./cpu-prof-preload.ts", import.meta.url).href;
  const env = {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${import.meta.resolve("tsx")} --import ${preload}`,
    OPENLEDGER_BENCH_PROF_DIR: prof ?? "",
  };
  const net = await Testnet.start(join(dir, "network"), validators, args, prof ? env : {});
  const rpcs = net.rpcPorts.map((port) => new Rpc(port, Math.ceil(opt.conns / validators)));
  const stop = async () => {
    for (const r of rpcs) r.close();
    await net.stop();
  };
  closers.push(stop);
  log(`network: ${validators} validators up (${args.join(" ")}), rpc ports ${net.rpcPorts.join(", ")}`);
  const view = net.followers[0]!;
  node0Pid = net.nodes[0]!.child.pid;
  await view.until(() => view.height >= 2, 60_000, "the network's first blocks");
  const r = await measure(
    {
      chainId: net.chainId,
      view,
      rpc: rpcs[0]!,
      rpcs,
      pids: net.pids,
      mempoolsEmpty: () => net.mempoolsEmpty(),
      mark: prof ? async () => signalAll(net, "SIGUSR2") : undefined,
    },
    privkeys,
  );
  const heights = net.followers.map((f) => f.height);
  log(`node heights at the end: ${heights.join(", ")}`);
  closers.splice(closers.indexOf(stop), 1);
  await stop();
  return { ...r, heights };
}

/** The load-window profiles of node0 and of the largest other one (written after the second mark). */
async function profileSummaries(prof: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  let files: string[] = [];
  while (Date.now() < deadline) {
    files = (await readdir(prof)).filter((f) => f.endsWith(".cpuprofile"));
    if (files.length >= validators) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const sized = await Promise.all(files.map(async (f) => ({ f, size: (await stat(join(prof, f))).size })));
  const node0 = `node-${node0Pid}.cpuprofile`;
  const other = sized.filter((x) => x.f !== node0).sort((a, b) => b.size - a.size)[0];
  let out = "";
  for (const [label, f] of [
    ["node0", files.includes(node0) ? node0 : undefined],
    ["largest other node profile", other?.f],
  ] as const) {
    if (f) out += `\n${label} (${f}), load window:\n${await summarizeCpuProfile(join(prof, f), 30)}\n`;
  }
  return out;
}

let node0Pid: number | undefined;

function signalAll(net: Testnet, signal: NodeJS.Signals): void {
  for (const n of net.nodes) n.child.kill(signal);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "openledger-bench-bft-"));
  closers.push(async () => {
    if (!flags["keep-home"]) await rm(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  });
  const onSignal = () => {
    interrupted = true;
    log("interrupted: stopping the nodes and removing their homes");
    cleanupAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    // The same senders' keys for both measurements; each chain numbers their accounts itself.
    const privkeys = Array.from({ length: opt.accounts }, () => new Uint8Array(randomBytes(32)));
    const single = only === "network" ? undefined : await runSingle(dir, privkeys);
    const network = only === "single" ? undefined : await runNetwork(dir, privkeys);
    const profiles = flags["cpu-prof"] ? await profileSummaries(join(dir, "profile")) : "";
    await cleanupAll();
    printBftReport({ single, network, validators, timeouts });
    process.stdout.write(profiles);
  } catch (err) {
    await cleanupAll();
    throw err;
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    if (interrupted) return;
    process.stderr.write(
      `bft-network failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
