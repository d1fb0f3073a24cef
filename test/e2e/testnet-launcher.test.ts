// `openledgerd testnet start` (what `npm run testnet` runs): one command initialises a 3-validator
// testnet, starts every node as its own process, prints their RPC addresses; the chain commits; on
// SIGINT every node is stopped and the command exits 0. Bad flags fail before anything is written.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eventually } from "./harness.js";
import { allAtLeast } from "./testnet-helpers.js";

const BIN = fileURLToPath(new URL("../../bin/openledgerd.js", import.meta.url));

describe("e2e: `openledgerd testnet start`", function () {
  this.timeout(90_000);
  let dir: string;
  let child: ChildProcess | undefined;
  let out = "";

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "openledger-launcher-"));
  });

  after(async () => {
    child?.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses bad flags, writing nothing", () => {
    const r = spawnSync(
      process.execPath,
      [BIN, "testnet", "start", "--validators", "x", "--output", join(dir, "bad")],
      {
        encoding: "utf8",
      },
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--validators must be a positive integer/);
    assert.equal(existsSync(join(dir, "bad")), false);
  });

  it("initialises, starts 3 nodes that commit, prints their RPC, and stops them all on SIGINT", async () => {
    const net = join(dir, "net");
    const basePort = 21_000 + 10 * Math.floor(Math.random() * 2000);
    const args = ["testnet", "start", "--validators", "3", "--output", net, "--base-port", String(basePort)];
    args.push("--consensus.timeout_commit", "200", "--consensus.timeout_propose", "1000");
    const proc = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr!.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    const rpcs = await eventually(
      async () => {
        const found = [...out.matchAll(/rpc (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]!);
        return found.length === 3 ? found : undefined;
      },
      `three RPC addresses in:\n${out}`,
      60_000,
      200,
    );
    const nodes = rpcs.map((rpcUrl) => ({ rpcUrl, running: true }));
    await allAtLeast(nodes, 3n, 30_000);

    proc.kill("SIGINT");
    assert.equal(await exited, 0, out);
    assert.match(out, /all nodes stopped/);
    for (const rpc of rpcs) {
      await assert.rejects(fetch(`${rpc}/status`), "a node is still answering after the launcher stopped");
    }
  });
});
