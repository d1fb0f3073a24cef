// The benches' command line: the flags every node bench shares, each bench's own (bank-send's are
// here), --help, the parsed options, and the log and fatal-usage helpers. A bench's entry file calls
// its parse function first; the other bench files read `opt` and `flags` when they run.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { MAX_RPC_BATCH } from "./rpc.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

type Spec = NonNullable<ParseArgsConfig["options"]>;

/** Flags of every bench that runs nodes; defaults of --txs and --accounts are each bench's. */
const COMMON: Spec = {
  "block-interval": { type: "string", default: "1000" },
  conns: { type: "string", default: "8" },
  batch: { type: "string", default: "100" },
  mode: { type: "string", default: "sync" },
  gas: { type: "string", default: "100000" },
  "commit-timeout": { type: "string", default: "120" },
  "keep-home": { type: "boolean", default: false },
  "node-log": { type: "boolean", default: false },
  "node-flags": { type: "string" },
  "node-root": { type: "string" },
  help: { type: "boolean", default: false },
};

/** --help lines of the COMMON flags. */
export const COMMON_HELP = `  --block-interval MS  the dev node's block interval (default 1000)
  --conns N            concurrent keep-alive HTTP connections (default 8)
  --batch N            JSON-RPC requests per HTTP request, 1..${MAX_RPC_BATCH} (default 100)
  --mode sync|async    broadcast_tx_sync (counts refusals) or broadcast_tx_async (default sync)
  --gas N              fixed gas limit of every send (default 100000; fee = gas x 0.025uopen)
  --commit-timeout S   give up waiting for commits after S seconds (default 120)
  --keep-home          keep the nodes' temp homes instead of deleting them
  --node-log           echo the node's log lines to stderr
  --node-flags "F"     extra node/V8 flags for the dev node child, e.g. "--max-semi-space-size=64"
  --node-root DIR      run the node of another checkout (e.g. a baseline) instead of this one
`;

export let flags: Record<string, string | boolean | undefined> = {};
export const opt = {
  txs: 0,
  accounts: 0,
  blockInterval: 1000,
  conns: 8,
  batch: 100,
  mode: "sync" as "sync" | "async",
  gas: 100_000n,
  verifyMs: 2000,
  commitTimeoutS: 120,
};
/** The checkout whose bin/openledgerd.js runs: this one unless --node-root names another. */
export let NODE_ROOT = ROOT;
let benchName = "bench";

/** Parses process.argv with the COMMON flags and `own`; prints `help` and exits on --help. */
export function parseOptions(name: string, own: Spec, help: string): void {
  benchName = name;
  flags = parseArgs({ options: { ...COMMON, ...own } }).values as typeof flags;
  if (flags.help) {
    process.stdout.write(help);
    process.exit(0);
  }
  if (flags.mode !== "sync" && flags.mode !== "async") fail(`--mode must be sync or async`);
  Object.assign(opt, {
    txs: posInt("txs"),
    accounts: posInt("accounts"),
    blockInterval: posInt("block-interval"),
    conns: posInt("conns"),
    batch: Math.min(MAX_RPC_BATCH, posInt("batch")),
    mode: flags.mode,
    gas: BigInt(posInt("gas")),
    verifyMs: "verify-ms" in flags ? posInt("verify-ms") : opt.verifyMs,
    commitTimeoutS: posInt("commit-timeout"),
  });
  if (typeof flags["node-root"] === "string") NODE_ROOT = resolve(flags["node-root"]);
}

/** bank-send.ts's command line. */
export function parseBankSendOptions(): void {
  parseOptions(
    "bank-send",
    {
      txs: { type: "string", default: "50000" },
      accounts: { type: "string", default: "1000" },
      "verify-ms": { type: "string", default: "2000" },
      "cpu-prof": { type: "boolean", default: false },
    },
    `bench/bank-send.ts: committed TPS of MsgSend through a local dev node
  --txs N              bank sends to pre-sign and broadcast (default 50000)
  --accounts N         fresh sender accounts (default 1000)
  --verify-ms MS       how long to measure the raw secp256k1 verify rate (default 2000)
  --cpu-prof           run the node under --cpu-prof and print its hottest functions
${COMMON_HELP}`,
  );
}

export function posInt(name: string): number {
  const n = Number(flags[name]);
  if (!Number.isSafeInteger(n) || n <= 0) fail(`--${name} must be a positive integer`);
  return n;
}

/** A string flag's value ("" when absent). */
export const flagText = (name: string): string => {
  const v = flags[name];
  return typeof v === "string" ? v : "";
};

export function fail(msg: string): never {
  process.stderr.write(`${benchName}: ${msg}\n`);
  process.exit(2);
}

export const log = (msg: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
