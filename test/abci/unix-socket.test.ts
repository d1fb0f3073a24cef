// The ABCI server on a unix socket: serves, removes its socket file on close, replaces a stale
// socket file left by a killed process and refuses one still in use.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AbciServer } from "../../node/abci/server.js";
import { RawClient } from "./client.js";
import { StubApp } from "./stub-app.js";

describe("ABCI server: unix socket", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "openledger-abci-sock-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("serves on unix:///path and removes the socket file on close", async () => {
    const path = join(dir, "app.sock");
    const server = await AbciServer.start(new StubApp(), { address: `unix://${path}` });
    assert.equal(server.address, `unix://${path}`);
    const c = await RawClient.connect({ path });
    assert.equal((await c.call({ echo: { message: "over unix" } })).echo?.message, "over unix");
    assert.equal((await c.call({ info: {} })).info?.lastBlockHeight, 7n);
    c.close();
    await server.close();
    assert.equal(existsSync(path), false);
  });

  it("replaces a stale socket file left by a killed process, refuses one in use", async () => {
    const path = join(dir, "stale.sock");
    const child = spawn(process.execPath, [
      "-e",
      "require('net').createServer().listen(process.argv[1], () => console.log('up'))",
      path,
    ]);
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    const inUse = AbciServer.start(new StubApp(), { address: `unix://${path}` });
    await assert.rejects(inUse, /EADDRINUSE/);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    assert.ok(existsSync(path), "the killed process left its socket file");
    const server = await AbciServer.start(new StubApp(), { address: `unix://${path}` });
    const c = await RawClient.connect({ path });
    assert.equal((await c.call({ echo: { message: "x" } })).echo?.message, "x");
    c.close();
    await server.close();
  });
});
