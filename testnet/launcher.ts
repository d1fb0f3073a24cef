// `openledgerd testnet start` (`npm run testnet -- --validators 4`): runs every node of a local
// testnet as its own `openledgerd start` process, from DIR/testnet.json (written by `testnet init`,
// which start runs first when DIR has no testnet yet). Each node's output goes to DIR/nodeI/node.log;
// once every node has logged "node started" their RPC addresses are printed. SIGINT/SIGTERM stops
// them all (SIGTERM, then SIGKILL after a grace period); a node that exits on its own stops the rest.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TESTNET_MANIFEST, type TestnetManifest } from "../node/genesis/testnet.js";

const BIN = fileURLToPath(new URL("../bin/openledgerd.js", import.meta.url));
const STOP_GRACE_MS = 10_000;

export interface RunningNode {
  moniker: string;
  rpc: string;
  log: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

export function hasTestnet(dir: string): boolean {
  return existsSync(join(dir, TESTNET_MANIFEST));
}

export async function readManifest(dir: string): Promise<TestnetManifest> {
  const path = join(dir, TESTNET_MANIFEST);
  let manifest: TestnetManifest;
  try {
    manifest = JSON.parse(await readFile(path, "utf8")) as TestnetManifest;
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message} (run \`openledgerd testnet init\`)`);
  }
  if (!Array.isArray(manifest.nodes) || manifest.nodes.length === 0)
    throw new Error(`${path} lists no nodes`);
  return manifest;
}

/** Starts every node; resolves once all have started (or rejects, having stopped them all). */
export async function startNodes(
  manifest: TestnetManifest,
  extraArgs: string[],
  timeoutMs = 60_000,
): Promise<RunningNode[]> {
  const nodes = manifest.nodes.map((n) => {
    const log = join(n.home, "node.log");
    const out = createWriteStream(log, { flags: "a" });
    const child = spawn(process.execPath, [BIN, ...n.startArgs, ...extraArgs, "--log-format", "json"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Both streams write to one log: neither may end it (the other could still be writing); it
    // is closed once the process is gone and both streams are drained.
    child.stdout!.pipe(out, { end: false });
    child.stderr!.pipe(out, { end: false });
    child.once("close", () => out.end());
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { moniker: n.moniker, rpc: n.rpcLaddr.replace("tcp://", "http://"), log, child, exited };
  });
  try {
    await Promise.all(nodes.map((n) => started(n, timeoutMs)));
  } catch (err) {
    await stopNodes(nodes);
    throw err;
  }
  return nodes;
}

function started(node: RunningNode, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(
      () => reject(new Error(`${node.moniker} did not start within ${timeoutMs} ms (see ${node.log})`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      if (buffered.includes('"msg":"node started"')) {
        clearTimeout(timer);
        node.child.stdout!.off("data", onData);
        resolve();
      }
      buffered = buffered.slice(-4096);
    };
    node.child.stdout!.on("data", onData);
    void node.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${node.moniker} exited with code ${code} while starting (see ${node.log})`));
    });
  });
}

/** SIGTERM to every node still running, SIGKILL after the grace period; resolves when all exited. */
export async function stopNodes(nodes: RunningNode[]): Promise<void> {
  await Promise.all(
    nodes.map(async (n) => {
      if (n.child.exitCode !== null || n.child.signalCode !== null) return;
      n.child.kill("SIGTERM");
      const timer = setTimeout(() => n.child.kill("SIGKILL"), STOP_GRACE_MS);
      await n.exited;
      clearTimeout(timer);
    }),
  );
}
