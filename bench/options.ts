// bank-send.ts's command line: its flags, --help, the parsed options, and the bench's log and
// fatal-usage helpers.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { MAX_RPC_BATCH } from "./rpc.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export const { values: flags } = parseArgs({
  options: {
    txs: { type: "string", default: "50000" },
    accounts: { type: "string", default: "1000" },
    "block-interval": { type: "string", default: "1000" },
    conns: { type: "string", default: "8" },
    batch: { type: "string", default: "100" },
    mode: { type: "string", default: "sync" },
    gas: { type: "string", default: "100000" },
    "verify-ms": { type: "string", default: "2000" },
    "commit-timeout": { type: "string", default: "120" },
    "cpu-prof": { type: "boolean", default: false },
    "keep-home": { type: "boolean", default: false },
    "node-log": { type: "boolean", default: false },
    "node-flags": { type: "string" },
    "node-root": { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (flags.help) {
  process.stdout.write(`bench/bank-send.ts: committed TPS of MsgSend through a local dev node
  --txs N              bank sends to pre-sign and broadcast (default 50000)
  --accounts N         fresh sender accounts (default 1000)
  --block-interval MS  the node's block interval (default 1000)
  --conns N            concurrent keep-alive HTTP connections (default 8)
  --batch N            JSON-RPC requests per HTTP request, 1..${MAX_RPC_BATCH} (default 100)
  --mode sync|async    broadcast_tx_sync (counts refusals) or broadcast_tx_async (default sync)
  --gas N              fixed gas limit of every send (default 100000; fee = gas x 0.025uopen)
  --verify-ms MS       how long to measure the raw secp256k1 verify rate (default 2000)
  --commit-timeout S   give up waiting for commits after S seconds (default 120)
  --cpu-prof           run the node under --cpu-prof and print its hottest functions
  --keep-home          keep the node's temp home (and the profile) instead of deleting it
  --node-log           echo the node's log lines to stderr
  --node-flags "F"     extra node/V8 flags for the node child, e.g. "--max-semi-space-size=64"
  --node-root DIR      run the node of another checkout (e.g. a baseline) instead of this one
`);
  process.exit(0);
}

export const opt = {
  txs: posInt("txs"),
  accounts: posInt("accounts"),
  blockInterval: posInt("block-interval"),
  conns: posInt("conns"),
  batch: Math.min(MAX_RPC_BATCH, posInt("batch")),
  mode: flags.mode === "async" ? "async" : "sync",
  gas: BigInt(posInt("gas")),
  verifyMs: posInt("verify-ms"),
  commitTimeoutS: posInt("commit-timeout"),
};
if (flags.mode !== "sync" && flags.mode !== "async") fail(`--mode must be sync or async`);
/** The checkout whose bin/openledgerd.js runs: this one unless --node-root names another. */
export const NODE_ROOT = flags["node-root"] ? resolve(flags["node-root"]) : ROOT;

function posInt(name: keyof typeof flags): number {
  const n = Number(flags[name]);
  if (!Number.isSafeInteger(n) || n <= 0) fail(`--${name} must be a positive integer`);
  return n;
}

export function fail(msg: string): never {
  process.stderr.write(`bank-send: ${msg}\n`);
  process.exit(2);
}

export const log = (msg: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
