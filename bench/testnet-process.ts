// A local N-validator testnet under test: created with `openledgerd testnet init` in a temp
// directory on a free port range, every node started as its own process by testnet/launcher.ts
// (logs in DIR/nodeI/node.log), each node's JSON log followed for commits (BlockFollower), stopped
// at the end. Ports of node i: base + 10·i (p2p), +1 (RPC), +2 (metrics).
import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { BlockFollower } from "./node-process.js";
import { NODE_ROOT } from "./options.js";
import { Rpc } from "./rpc.js";

type Launcher = typeof import("../testnet/launcher.js");
type RunningNode = Awaited<ReturnType<Launcher["startNodes"]>>[number];

const PORT_STRIDE = 10;

export class Testnet {
  /** One per node, in node order; node 0's is the one the bench follows. */
  readonly followers: BlockFollower[];
  readonly rpcPorts: number[];
  readonly metricsPorts: number[];

  private constructor(
    private readonly launcher: Launcher,
    readonly nodes: RunningNode[],
    readonly chainId: string,
    basePort: number,
  ) {
    // The launcher pipes stdout and stderr into one write stream, which the first of them to end
    // ends: a later stderr chunk (e.g. an error at exit) is a write after end, an unhandled 'error'
    // that would crash this process. stderr gets its own stream into the same log instead.
    for (const n of nodes) {
      n.child.stderr!.unpipe();
      n.child.stderr!.pipe(createWriteStream(n.log, { flags: "a" }));
    }
    this.followers = nodes.map((n) => new BlockFollower(n.child, n.moniker, false));
    this.rpcPorts = nodes.map((_, i) => basePort + PORT_STRIDE * i + 1);
    this.metricsPorts = nodes.map((_, i) => basePort + PORT_STRIDE * i + 2);
  }

  /** Set while nodes are being started: a stop() during start waits for them, then stops them. */
  private static starting: Promise<RunningNode[]> | undefined;

  /**
   * testnet init in `dir` (which must not hold a testnet yet), then every node started, with `env`
   * added to their environment.
   */
  static async start(
    dir: string,
    validators: number,
    startArgs: string[],
    env: Record<string, string> = {},
  ): Promise<Testnet> {
    const basePort = await freePortRange(validators);
    await promisify(execFile)(
      process.execPath,
      [
        join(NODE_ROOT, "bin/openledgerd.js"),
        "testnet",
        "init",
        "--validators",
        String(validators),
        "--output",
        dir,
        "--base-port",
        String(basePort),
      ],
      { cwd: NODE_ROOT },
    );
    const launcher = (await import(pathToFileURL(join(NODE_ROOT, "testnet/launcher.ts")).href)) as Launcher;
    const manifest = await launcher.readManifest(dir);
    if (Testnet.aborted) throw new Error("interrupted before the nodes started");
    // The launcher spawns every node synchronously, with this process's environment.
    const saved = Object.keys(env).map((k) => [k, process.env[k]] as const);
    Object.assign(process.env, env);
    Testnet.starting = launcher.startNodes(manifest, startArgs);
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    try {
      return new Testnet(launcher, await Testnet.starting, manifest.chainId, basePort);
    } finally {
      Testnet.starting = undefined;
    }
  }

  private static aborted = false;

  /** Stops nodes still being started by start() (on a signal before it returned); no start after. */
  static async stopStarting(): Promise<void> {
    Testnet.aborted = true;
    const nodes = await Testnet.starting?.catch(() => undefined);
    if (nodes) await stopAll(nodes);
  }

  get pids(): (number | undefined)[] {
    return this.nodes.map((n) => n.child.pid);
  }

  /** Whether every node's mempool is empty (num_unconfirmed_txs on each RPC). */
  async mempoolsEmpty(): Promise<boolean> {
    const sizes = await Promise.all(
      this.rpcPorts.map(async (port) => {
        const rpc = new Rpc(port, 1);
        try {
          return Number((await rpc.call<{ total: string }>("num_unconfirmed_txs")).total);
        } catch {
          return 0; // a node that is down holds nothing the others will commit
        } finally {
          rpc.close();
        }
      }),
    );
    return sizes.every((n) => n === 0);
  }

  async stop(): Promise<void> {
    await this.launcher.stopNodes(this.nodes);
  }
}

async function stopAll(nodes: RunningNode[]): Promise<void> {
  for (const n of nodes)
    if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill("SIGTERM");
  await Promise.all(nodes.map((n) => n.exited));
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A base port whose p2p, RPC and metrics ports for n nodes are all free (below the ephemeral range). */
export async function freePortRange(n: number): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 20_000 + PORT_STRIDE * Math.floor(Math.random() * 1000);
    const ports = Array.from({ length: n }, (_, i) =>
      [0, 1, 2].map((k) => base + PORT_STRIDE * i + k),
    ).flat();
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error("no free port range for the testnet");
}
