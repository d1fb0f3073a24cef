// bft-network.ts's report: the single node and the network side by side on stdout, then the same
// figures as one JSON line.
import { cpus } from "node:os";
import type { BroadcastStats } from "./broadcast.js";
import { fmt, pctText, quantile, round } from "./format.js";
import type { Inclusion } from "./inclusion.js";
import type { BlockLog } from "./node-process.js";
import { NODE_ROOT, opt, ROOT } from "./options.js";

export interface PhaseResult {
  /** 1-minute load average before broadcasting. */
  load: number;
  txs: number;
  b: BroadcastStats;
  inc: Inclusion;
  /** Block intervals (ms, ascending) over the load window on the followed node. */
  intervals: number[];
  /** The blocks of the load window (after the last one before the broadcast, to the last with bench txs). */
  blocks: BlockLog[];
  /** CPU of each node process over broadcast + commits, % of one core. */
  cpu: (number | undefined)[];
  clientPct: number | undefined;
  machinePct: number | undefined;
  /** Network only: every node's last committed height at the end. */
  heights?: number[];
}

export interface BftReport {
  single: PhaseResult | undefined;
  network: PhaseResult | undefined;
  validators: number;
  timeouts: { commit: number; propose: number };
}

function figures(p: PhaseResult | undefined) {
  if (!p) return undefined;
  const { b, inc, intervals, blocks, cpu } = p;
  const acceptS = (b.finished - b.started) / 1000;
  const cpuSum = cpu.reduce<number>((s, x) => s + (x ?? 0), 0);
  return {
    accepted: b.accepted,
    refused: b.refused,
    mempoolFullRetries: b.mempoolFullRetries,
    acceptTps: round(b.accepted / acceptS, 1),
    committed: inc.committed,
    windowS: round(inc.windowS, 3),
    committedTps: round(inc.tps, 1),
    steadyStateTps: Number.isNaN(inc.steadyTps) ? null : round(inc.steadyTps, 1),
    blockIntervalP50Ms: round(quantile(intervals, 0.5), 1),
    blockIntervalP99Ms: round(quantile(intervals, 0.99), 1),
    blockIntervalMaxMs: round(intervals.at(-1) ?? Number.NaN, 1),
    latencyP50Ms: round(quantile(inc.latencies, 0.5), 1),
    latencyP99Ms: round(quantile(inc.latencies, 0.99), 1),
    blocks: blocks.length,
    blocksWithTxs: inc.busyBlocks.length,
    roundsAbove0: blocks.filter((x) => (x.round ?? 0) > 0).length,
    maxBlockTxs: Math.max(0, ...inc.busyBlocks.map((x) => x.ours)),
    nodeCpuPct: cpu.map((x) => (x === undefined ? null : round(x, 1))),
    nodeCpuSumPct: round(cpuSum, 1),
    clientCpuPct: p.clientPct === undefined ? null : round(p.clientPct, 1),
    machineBusyPct: p.machinePct === undefined ? null : round(p.machinePct, 1),
    /** CPU of everything else on the machine (% of one core): the machine's busy time less ours. */
    otherCpuPct:
      p.machinePct === undefined
        ? null
        : round(Math.max(0, p.machinePct * cpus().length - cpuSum - (p.clientPct ?? 0)), 1),
    loadavg1: round(p.load, 2),
    perBlock: inc.busyBlocks.map((x) => [x.height, x.ours]),
  };
}

export function printBftReport(r: BftReport): void {
  const s = figures(r.single);
  const n = figures(r.network);
  const ratio = s && n ? n.committedTps / s.committedTps : Number.NaN;
  const ms = (x: number | undefined) => (x === undefined ? "–" : `${fmt(x)} ms`);
  const row = (f: (x: NonNullable<typeof s>) => string): [string, string] => [s ? f(s) : "–", n ? f(n) : "–"];
  const cpuText = (x: NonNullable<typeof s>) =>
    x.nodeCpuPct.length === 1
      ? pctText(x.nodeCpuPct[0] ?? undefined)
      : `${x.nodeCpuPct.map((c) => pctText(c ?? undefined)).join(" + ")} = ${pctText(x.nodeCpuSumPct)}`;
  const table: [string, [string, string]][] = [
    ["accepted (broadcast_tx_sync)", row((x) => `${fmt(x.accepted)} at ${fmt(x.acceptTps)} tx/s`)],
    ["refused / mempool-full retries", row((x) => `${fmt(x.refused)} / ${fmt(x.mempoolFullRetries)}`)],
    ["committed", row((x) => `${fmt(x.committed)} in ${fmt(x.windowS, 2)} s`)],
    ["committed TPS", row((x) => fmt(x.committedTps))],
    ["steady-state TPS", row((x) => (x.steadyStateTps === null ? "n/a" : fmt(x.steadyStateTps)))],
    ["block interval p50 / p99", row((x) => `${ms(x.blockIntervalP50Ms)} / ${ms(x.blockIntervalP99Ms)}`)],
    ["inclusion latency p50 / p99", row((x) => `${ms(x.latencyP50Ms)} / ${ms(x.latencyP99Ms)}`)],
    ["blocks (load window / with txs)", row((x) => `${x.blocks} / ${x.blocksWithTxs}`)],
    ["largest block (bench txs)", row((x) => fmt(x.maxBlockTxs))],
    ["blocks decided in round > 0", [s ? "n/a" : "–", n ? fmt(n.roundsAbove0) : "–"]],
    ["node CPU, % of one core", row(cpuText)],
    [
      "CPU: bench client / others",
      row((x) => `${pctText(x.clientCpuPct ?? undefined)} / ${pctText(x.otherCpuPct ?? undefined)}`),
    ],
    ["machine busy, % of all cores", row((x) => pctText(x.machineBusyPct ?? undefined))],
  ];
  const head: [string, string][] = [
    [
      "machine",
      `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}, load ${fmt((r.single ?? r.network)!.load, 2)}`,
    ],
    ["node", NODE_ROOT === ROOT ? "this checkout" : NODE_ROOT],
    [
      "workload",
      `${fmt((r.single ?? r.network)!.txs)} MsgSend from ${fmt(opt.accounts)} accounts per measurement, gas ${opt.gas}, broadcast_tx_${opt.mode}, ${opt.conns} conns × batch ${opt.batch}`,
    ],
    ["single node", `dev chain (start --dev), --block-interval ${opt.blockInterval}; blocks from its log`],
    [
      "network",
      `${r.validators} validators, one process each, --consensus.timeout_commit ${r.timeouts.commit} --consensus.timeout_propose ${r.timeouts.propose} (others default); broadcast spread over the ${r.validators} RPCs; blocks from node0's log`,
    ],
  ];
  if (r.network?.heights) head.push(["network heights at end", r.network.heights.join(", ")]);
  const lw = Math.max(...[...head, ...table].map(([k]) => k.length));
  const cw = Math.max(11, ...table.map(([, [a]]) => a.length));
  const out = [
    `\nbft-network benchmark`,
    ...head.map(([k, v]) => `  ${k.padEnd(lw)}  ${v}`),
    "",
    `  ${"".padEnd(lw)}  ${"single node".padEnd(cw)}  ${r.validators}-validator network`,
    ...table.map(([k, [a, b]]) => `  ${k.padEnd(lw)}  ${a.padEnd(cw)}  ${b}`),
    "",
    `  ${"network ÷ single committed TPS".padEnd(lw)}  ${fmt(ratio, 3)}`,
    `  ${"network blocks (height: txs)".padEnd(lw)}  ${n ? n.perBlock.map(([h, c]) => `${h}: ${c}`).join(", ") : "–"}`,
    "",
  ];
  process.stdout.write(`${out.join("\n")}\n`);
  const summary = {
    bench: "bft-network",
    nodeRoot: NODE_ROOT === ROOT ? "." : NODE_ROOT,
    cores: cpus().length,
    node: process.version,
    txs: (r.single ?? r.network)!.txs,
    accounts: opt.accounts,
    conns: opt.conns,
    batch: opt.batch,
    mode: opt.mode,
    blockIntervalMs: opt.blockInterval,
    validators: r.validators,
    timeoutCommitMs: r.timeouts.commit,
    timeoutProposeMs: r.timeouts.propose,
    single: s ?? null,
    network: n ? { ...n, heights: r.network?.heights ?? null } : null,
    networkOverSingleTps: Number.isNaN(ratio) ? null : round(ratio, 3),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
