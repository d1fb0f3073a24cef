// End-to-end harness: runs the real node (bin/openledgerd.js) as a child process in a temp home,
// over loopback, and collects its JSON log lines. Tests talk to it with the stock cosmjs clients.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";

export const CHAIN_ID = "openledger-dev-1";
export const DENOM = "uopen";
export const PREFIX = "open";
export const MIN_GAS_PRICE = "0.025uopen";
/** Each dev account's genesis balance. */
export const START_BALANCE = 10n ** 15n;

const BIN = fileURLToPath(new URL("../../bin/openledgerd.js", import.meta.url));
const DEV_ACCOUNTS_FILE = fileURLToPath(new URL("../../genesis/dev-accounts.json", import.meta.url));

export interface DevAccount {
  name: string;
  mnemonic: string;
  address: string;
}

export const devAccounts: DevAccount[] = JSON.parse(readFileSync(DEV_ACCOUNTS_FILE, "utf8"));

export function devAccount(name: string): DevAccount {
  const a = devAccounts.find((x) => x.name === name);
  if (!a) throw new Error(`no dev account ${name}`);
  return a;
}

export function devWallet(name: string): Promise<DirectSecp256k1HdWallet> {
  return DirectSecp256k1HdWallet.fromMnemonic(devAccount(name).mnemonic, { prefix: PREFIX });
}

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

interface LineWaiter {
  line(line: LogLine): void;
  fail(err: Error): void;
}

export interface NodeStartOptions {
  blockIntervalMs?: number;
  /** How long to wait for "node started". */
  timeoutMs?: number;
  /**
   * Arguments after `start` in place of the dev-chain defaults (--dev, ports 0, no metrics, block
   * interval); --home and --log-format json are always added.
   */
  startArgs?: string[];
}

/** Every node this process started, so none outlives the test run. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/**
 * One node home and the node process running on it (at most one at a time). start() can be
 * called again after stop() or kill() to restart on the same home.
 */
export class NodeProcess {
  readonly logs: string[] = [];
  private child?: ChildProcess;
  private exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private lineWaiters: LineWaiter[] = [];
  private port = 0;
  /** Block store height reported by the last "node started" line. */
  startedHeight = 0n;
  private lastHeight = 0n;
  private runs = 0;

  private constructor(readonly home: string) {}

  static async create(): Promise<NodeProcess> {
    return new NodeProcess(await mkdtemp(join(tmpdir(), "openledger-e2e-")));
  }

  /** A node on an existing home (e.g. one that `testnet init` created). */
  static at(home: string): NodeProcess {
    return new NodeProcess(home);
  }

  get rpcUrl(): string {
    if (!this.port) throw new Error("node is not running");
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    if (!this.port) throw new Error("node is not running");
    return `ws://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Height of the last "committed block" line logged by this node (any run). */
  get lastCommittedHeight(): bigint {
    return this.lastHeight;
  }

  async start(opts: NodeStartOptions = {}): Promise<void> {
    if (this.child) throw new Error("node already running");
    this.runs++;
    this.logs.push(`----- start #${this.runs} -----`);
    const args = opts.startArgs
      ? [BIN, "start", ...opts.startArgs, "--home", this.home, "--log-format", "json"]
      : [
          BIN,
          "start",
          "--dev",
          "--home",
          this.home,
          "--rpc.laddr",
          "tcp://127.0.0.1:0",
          "--p2p.laddr",
          "/ip4/127.0.0.1/tcp/0",
          "--metrics.laddr",
          "",
          "--block-interval",
          String(opts.blockIntervalMs ?? 200),
          "--log-format",
          "json",
        ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    live.add(child);
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        live.delete(child);
        if (this.child === child) {
          this.child = undefined;
          this.port = 0;
        }
        this.logs.push(`----- exited: code ${code} signal ${signal} -----`);
        for (const w of [...this.lineWaiters])
          w.fail(new Error(`node exited (code ${code}, signal ${signal})`));
        resolve({ code, signal });
      });
    });
    this.pipeLines(child.stdout!, (line) => this.onStdout(line));
    this.pipeLines(child.stderr!, (line) => this.logs.push(`[stderr] ${line}`));
    const started = await this.waitForLine((l) => l.msg === "node started", opts.timeoutMs ?? 30_000);
    this.port = Number(started.rpcPort);
    this.startedHeight = BigInt(String(started.height ?? "0"));
    if (!this.port) throw new Error(`"node started" has no rpcPort: ${JSON.stringify(started)}`);
  }

  /** SIGTERM and wait for a clean exit. */
  async stop(timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child) return { code: null, signal: null };
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    try {
      return await this.exited!;
    } finally {
      clearTimeout(timer);
    }
  }

  /** kill -9: no chance to flush or close anything. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGKILL");
    await this.exited;
  }

  /** Resolves with the first "committed block" line at or above height (past lines count). */
  async waitForHeight(height: bigint, timeoutMs = 20_000): Promise<bigint> {
    if (this.lastHeight >= height) return this.lastHeight;
    const line = await this.waitForLine(
      (l) => l.msg === "committed block" && BigInt(String(l.height)) >= height,
      timeoutMs,
    );
    return BigInt(String(line.height));
  }

  /** Waits for `count` more blocks than the last one seen. */
  waitBlocks(count: number, timeoutMs = 20_000): Promise<bigint> {
    return this.waitForHeight(this.lastHeight + BigInt(count), timeoutMs);
  }

  /** Resolves with the next log line (after now) that matches; rejects if the node exits first. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    if (!this.child) return Promise.reject(new Error("node is not running"));
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.lineWaiters = this.lineWaiters.filter((w) => w !== waiter);
      };
      const waiter: LineWaiter = {
        line: (line) => {
          if (!match(line)) return;
          done();
          resolve(line);
        },
        fail: (err) => {
          done();
          reject(err);
        },
      };
      const timer = setTimeout(
        () => waiter.fail(new Error(`timed out after ${timeoutMs} ms waiting for a node log line`)),
        timeoutMs,
      );
      this.lineWaiters.push(waiter);
    });
  }

  /** The node's log lines parsed from JSON, in order (non-JSON lines skipped). */
  parsedLogs(): LogLine[] {
    const out: LogLine[] = [];
    for (const raw of this.logs) {
      try {
        out.push(JSON.parse(raw) as LogLine);
      } catch {
        // harness markers and stderr
      }
    }
    return out;
  }

  printLogs(title = "node logs"): void {
    const tail = this.logs.slice(-400);
    process.stderr.write(`\n===== ${title} (${this.home}), last ${tail.length} lines =====\n`);
    for (const line of tail) process.stderr.write(`${line}\n`);
    process.stderr.write("===== end of node logs =====\n");
  }

  /** Kills the process if still running and deletes the home (kept when E2E_KEEP_HOME is set). */
  async destroy(): Promise<void> {
    await this.kill();
    if (process.env.E2E_KEEP_HOME) process.stderr.write(`kept node home ${this.home}\n`);
    else await rm(this.home, { recursive: true, force: true });
  }

  private onStdout(raw: string): void {
    this.logs.push(raw);
    let line: LogLine;
    try {
      line = JSON.parse(raw) as LogLine;
    } catch {
      return;
    }
    if (line.msg === "committed block" && line.height !== undefined) {
      const h = BigInt(String(line.height));
      if (h > this.lastHeight) this.lastHeight = h;
    }
    for (const waiter of [...this.lineWaiters]) waiter.line(line);
  }

  private pipeLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
    let buffered = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.length > 0) onLine(line);
        nl = buffered.indexOf("\n");
      }
    });
    stream.on("end", () => {
      if (buffered.length > 0) onLine(buffered);
      buffered = "";
    });
  }
}

/**
 * Mocha wiring for one node per suite: a fresh home before, logs printed after a failed test,
 * the process killed and the home removed after (also when a test failed).
 */
export function useNode(opts: NodeStartOptions & { autoStart?: boolean } = {}): { node: NodeProcess } {
  const holder = {} as { node: NodeProcess };
  before(async function () {
    this.timeout((opts.timeoutMs ?? 30_000) + 5_000);
    holder.node = await NodeProcess.create();
    if (opts.autoStart !== false) {
      try {
        await holder.node.start(opts);
      } catch (err) {
        holder.node.printLogs("node failed to start");
        throw err;
      }
    }
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed" && holder.node) {
      holder.node.printLogs(`node logs for failed test "${this.currentTest.fullTitle()}"`);
    }
  });
  after(async () => {
    await holder.node?.destroy();
  });
  return holder;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until fn returns a value other than undefined. */
export async function eventually<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** A raw JSON-RPC 2.0 POST, for requests the cosmjs client would never send. */
export async function rpcCall(
  url: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
}
