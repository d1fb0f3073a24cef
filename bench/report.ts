// The report: the table of figures on stdout, then the same figures as one JSON line.
import { cpus } from "node:os";
import type { BroadcastStats } from "./broadcast.js";
import type { CpuShares } from "./cpu-usage.js";
import { fmt, pctText, quantile, round } from "./format.js";
import type { Inclusion } from "./inclusion.js";
import { bucketQuantile, type Histogram } from "./metrics.js";
import { NODE_ROOT, opt, ROOT } from "./options.js";

export interface Report {
  /** 1-minute load average before broadcasting. */
  load: number;
  accounts: number;
  txs: number;
  gasUsed: number;
  presignMs: number;
  b: BroadcastStats;
  inc: Inclusion;
  verifyRate: number;
  /** The node's checkTx and finalize histograms over the run. */
  check: Histogram | undefined;
  fin: Histogram | undefined;
  /** CPU shares over the whole run and over the broadcast phase. */
  shares: CpuShares;
  sharesBroadcast: CpuShares;
}

export function printReport(r: Report): void {
  const { load, gasUsed, presignMs, b, verifyRate, check, fin, shares, sharesBroadcast } = r;
  const { committed, windowS, tps, steadyTps, latencies, busyBlocks } = r.inc;
  const lines: [string, string][] = [
    [
      "machine",
      `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}, load ${fmt(load, 2)}`,
    ],
    ["node", NODE_ROOT === ROOT ? "this checkout" : NODE_ROOT],
    ["workload", `${fmt(r.txs)} MsgSend from ${fmt(r.accounts)} accounts, gas ${opt.gas} (used ${gasUsed})`],
    [
      "broadcast",
      `${opt.mode === "async" ? "broadcast_tx_async" : "broadcast_tx_sync"}, ${opt.conns} conns × batch ${opt.batch}, block interval ${opt.blockInterval} ms`,
    ],
    ["pre-sign (untimed)", `${fmt(presignMs / 1000, 1)} s, ${fmt(r.txs / (presignMs / 1000))} tx/s`],
    [
      "accepted",
      `${fmt(b.accepted)} in ${fmt((b.finished - b.started) / 1000, 2)} s = ${fmt(b.accepted / ((b.finished - b.started) / 1000))} tx/s (${b.httpRequests} HTTP requests)`,
    ],
    [
      "refused",
      opt.mode === "async"
        ? `not reported by broadcast_tx_async; accepted but never committed: ${fmt(b.accepted - committed)}`
        : `${fmt(b.refused)}${[...b.refusedCodes].map(([k, v]) => `; ${v}× ${k}`).join("")} (mempool-full retries ${b.mempoolFullRetries})`,
    ],
    ["committed", `${fmt(committed)} in ${fmt(windowS, 2)} s (first broadcast → last commit)`],
    ["committed TPS", fmt(tps)],
    [
      "steady-state TPS",
      Number.isNaN(steadyTps)
        ? "n/a (fewer than 3 blocks with bench txs)"
        : `${fmt(steadyTps)} (blocks between the first and last bench blocks)`,
    ],
    [
      "inclusion latency",
      `p50 ${fmt(quantile(latencies, 0.5))} ms, p99 ${fmt(quantile(latencies, 0.99))} ms, max ${fmt(latencies.at(-1) ?? Number.NaN)} ms`,
    ],
    ["raw verify (1 core)", `${fmt(verifyRate)} verifySecp256k1/s (native libsecp256k1 + sha256)`],
    ["TPS / verify rate", fmt(tps / verifyRate, 3)],
    [
      "node checkTx",
      check && check.count > 0
        ? `${fmt(check.count)} calls, mean ${fmt((check.sum / check.count) * 1e6)} µs, p50 ${bucketQuantile(check, 0.5)}, p99 ${bucketQuantile(check, 0.99)}, total ${fmt(check.sum, 2)} s`
        : "n/a",
    ],
    [
      "node finalize+commit",
      fin && fin.count > 0
        ? `${fmt(fin.count)} blocks, mean ${fmt((fin.sum / fin.count) * 1e3)} ms, max ${bucketQuantile(fin, 1)}, total ${fmt(fin.sum, 2)} s`
        : "n/a",
    ],
    [
      "CPU, % of one core",
      `broadcast phase: node ${pctText(sharesBroadcast.nodePct)}, bench client ${pctText(sharesBroadcast.clientPct)}; whole run: node ${pctText(shares.nodePct)}, client ${pctText(shares.clientPct)}; machine busy ${pctText(shares.machinePct)} of all cores`,
    ],
    ["blocks (height: txs)", busyBlocks.map((x) => `${x.height}: ${x.ours}`).join(", ")],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  process.stdout.write(
    `\nbank-send benchmark\n${lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join("\n")}\n\n`,
  );
  const summary = {
    bench: "bank-send",
    nodeRoot: NODE_ROOT === ROOT ? "." : NODE_ROOT,
    cores: cpus().length,
    node: process.version,
    mode: opt.mode,
    conns: opt.conns,
    batch: opt.batch,
    blockIntervalMs: opt.blockInterval,
    accounts: r.accounts,
    txs: r.txs,
    accepted: b.accepted,
    refused: b.refused,
    committed,
    windowS: round(windowS, 3),
    acceptTps: round(b.accepted / ((b.finished - b.started) / 1000), 1),
    committedTps: round(tps, 1),
    steadyStateTps: Number.isNaN(steadyTps) ? null : round(steadyTps, 1),
    latencyP50Ms: round(quantile(latencies, 0.5), 1),
    latencyP99Ms: round(quantile(latencies, 0.99), 1),
    verifyPerSec: round(verifyRate, 0),
    tpsOverVerify: round(tps / verifyRate, 4),
    checkTxMeanUs: check && check.count > 0 ? round((check.sum / check.count) * 1e6, 1) : null,
    checkTxTotalS: check ? round(check.sum, 3) : null,
    finalizeMeanMs: fin && fin.count > 0 ? round((fin.sum / fin.count) * 1e3, 1) : null,
    finalizeTotalS: fin ? round(fin.sum, 3) : null,
    blocks: busyBlocks.map((x) => [x.height, x.ours]),
    loadavg1: round(load, 2),
    nodeCpuPct: shares.nodePct === undefined ? null : round(shares.nodePct, 1),
    clientCpuPct: shares.clientPct === undefined ? null : round(shares.clientPct, 1),
    machineBusyPct: shares.machinePct === undefined ? null : round(shares.machinePct, 1),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
