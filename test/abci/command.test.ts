// `openledgerd abci` as a real process: serves the home's app on the address given, answers over
// the socket, exits 0 on SIGTERM; a bad address or a home without genesis fails with one line.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { devGenesis } from "../../node/genesis/dev-genesis.js";
import { keyFromSecret } from "../../node/types/ed25519.js";
import { RawClient } from "./client.js";

const BIN = fileURLToPath(new URL("../../bin/openledgerd.js", import.meta.url));

describe("openledgerd abci", function () {
  this.timeout(60_000);
  let home: string;
  let child: ChildProcess | undefined;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), "openledger-abci-cmd-"));
    await mkdir(join(home, "config"), { recursive: true });
    const genesis = devGenesis(keyFromSecret("abci-cmd").pubKey);
    await writeFile(join(home, "config", "genesis.json"), JSON.stringify(genesis));
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await rm(home, { recursive: true, force: true });
  });

  it("serves on tcp port 0, answers Echo and Info, exits 0 on SIGTERM", async () => {
    child = spawn(
      process.execPath,
      [BIN, "abci", "--home", home, "--address", "tcp://127.0.0.1:0", "--log-format", "json"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr!.on("data", (d) => {
      stderr += d;
    });
    const address = await new Promise<string>((resolve, reject) => {
      let out = "";
      child!.stdout!.on("data", (d) => {
        out += d;
        for (const line of out.split("\n")) {
          if (!line.startsWith("{")) continue;
          const l = JSON.parse(line) as { msg?: string; address?: string };
          if (l.msg === "serving the application over ABCI" && l.address) resolve(l.address);
        }
      });
      child!.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const port = Number(/:(\d+)$/.exec(address)![1]);
    assert.ok(port > 0);
    const c = await RawClient.connect({ port });
    assert.equal((await c.call({ echo: { message: "cli" } })).echo?.message, "cli");
    assert.equal((await c.call({ info: {} })).info?.lastBlockHeight, 0n);
    const exited = new Promise<number | null>((resolve) => child!.once("exit", resolve));
    child.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
    await c.closed;
  });

  it("a bad address or a home without genesis is a one-line error, exit 1", async () => {
    const bad = spawnSync(process.execPath, [BIN, "abci", "--home", home, "--address", "http://x"], {
      encoding: "utf8",
    });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^Error: invalid ABCI address "http:\/\/x"/);
    const empty = await mkdtemp(join(tmpdir(), "openledger-abci-empty-"));
    try {
      const none = spawnSync(process.execPath, [BIN, "abci", "--home", empty], { encoding: "utf8" });
      assert.equal(none.status, 1);
      assert.match(none.stderr, /^Error: cannot read the genesis .*genesis\.json/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
