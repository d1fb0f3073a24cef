// The dev node under test, as a child process: started with bin/openledgerd.js start --dev, its
// JSON log followed for commits (with this process's clock, BlockFollower, also used for the nodes
// of a testnet), stopped at the end; and the summary of its CPU profile when it ran under --cpu-prof.
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { summarizeCpuProfile } from "./cpu-profile.js";
import { flags, flagText, NODE_ROOT, opt } from "./options.js";

export interface BlockLog {
  height: number;
  txs: number;
  /** Mempool size after the commit; undefined where the log line does not say (BFT engine). */
  mempool: number | undefined;
  /** The BFT round it was decided in (undefined for the single-validator producer). */
  round: number | undefined;
  /** performance.now() in this process when the commit line arrived. */
  at: number;
}

/** What the block following needs of a node: its commits as they are logged. */
export interface ChainView {
  readonly blocks: BlockLog[];
  readonly height: number;
  until(cond: () => boolean, timeoutMs: number, what: string): Promise<void>;
}

/** Follows one node child's JSON log (stdout) for commits and its start; echoes its errors. */
export class BlockFollower implements ChainView {
  readonly blocks: BlockLog[] = [];
  rpcPort = 0;
  private readonly waiters = new Set<() => void>();
  private exited = false;

  constructor(
    readonly child: ChildProcess,
    /** Prefix of the lines echoed to stderr. */
    readonly tag = "node",
    echoStderr = true,
  ) {
    if (child.exitCode !== null || child.signalCode !== null) this.exited = true;
    this.child.on("exit", () => {
      this.exited = true;
      this.wake();
    });
    createInterface({ input: this.child.stdout! }).on("line", (line) => this.onLine(line));
    if (echoStderr)
      createInterface({ input: this.child.stderr! }).on("line", (line) =>
        process.stderr.write(`[${tag}] ${line}\n`),
      );
  }

  private onLine(line: string): void {
    const at = performance.now();
    if (flags["node-log"]) process.stderr.write(`[${this.tag}] ${line}\n`);
    let rec: {
      msg?: string;
      height?: string;
      round?: number;
      txs?: number;
      mempool?: number;
      rpcPort?: number;
    };
    try {
      rec = JSON.parse(line);
    } catch {
      return;
    }
    if (rec.msg === "committed block") {
      const { txs = 0, mempool, round } = rec;
      this.blocks.push({ height: Number(rec.height), txs, mempool, round, at });
      this.wake();
    } else if (rec.msg === "node started" && rec.rpcPort) {
      this.rpcPort = rec.rpcPort;
      this.wake();
    } else if ((rec as { level?: number }).level !== undefined && (rec as { level: number }).level >= 50) {
      process.stderr.write(`[${this.tag}] ${line}\n`);
    }
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves when cond() holds, re-checked on every node log event; rejects on exit or timeout. */
  until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (cond()) done(resolve);
        else if (this.exited) done(() => reject(new Error(`${this.tag} exited while waiting for ${what}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out waiting for ${what}`))),
        timeoutMs,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        f();
      };
      this.waiters.add(check);
      check();
    });
  }

  get height(): number {
    return this.blocks.at(-1)?.height ?? 0;
  }

  get running(): boolean {
    return !this.exited;
  }
}

/** The dev node under test: bin/openledgerd.js start --dev in `home`, its log followed. */
export class NodeProcess extends BlockFollower {
  constructor(
    home: string,
    readonly metricsPort: number,
    profileDir: string | undefined,
  ) {
    super(spawnDevNode(home, metricsPort, profileDir));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

function spawnDevNode(home: string, metricsPort: number, profileDir: string | undefined): ChildProcess {
  const execArgv = [
    ...flagText("node-flags").split(" ").filter(Boolean),
    ...(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : []),
  ];
  const args = [
    ...execArgv,
    join(NODE_ROOT, "bin/openledgerd.js"),
    "start",
    "--dev",
    "--home",
    home,
    "--rpc.laddr",
    "tcp://127.0.0.1:0",
    "--p2p.laddr",
    "/ip4/127.0.0.1/tcp/0",
    "--metrics.laddr",
    `tcp://127.0.0.1:${metricsPort}`,
    "--block-interval",
    String(opt.blockInterval),
    "--log-format",
    "json",
  ];
  return spawn(process.execPath, args, { cwd: NODE_ROOT, stdio: ["ignore", "pipe", "pipe"] });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The hottest functions of the node's CPU profile in profileDir, as printed after the report. */
export async function nodeProfileSummary(profileDir: string): Promise<string> {
  // One profile per thread: the main thread's is the largest (the other is tsx's loader).
  const files = (await readdir(profileDir).catch(() => [] as string[])).filter((x) =>
    x.endsWith(".cpuprofile"),
  );
  const sized = await Promise.all(
    files.map(async (f) => ({ f, size: (await stat(join(profileDir, f))).size })),
  );
  const main = sized.sort((a, b) => b.size - a.size)[0];
  return main ? `\n${await summarizeCpuProfile(join(profileDir, main.f), 30)}\n` : "";
}
