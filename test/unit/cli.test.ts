import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";

const BIN = fileURLToPath(new URL("../../bin/openledgerd.js", import.meta.url));
const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], stdin = ""): Promise<Run> {
  return new Promise((resolve) => {
    const env = {
      ...process.env,
      OPENLEDGER_KEYRING_BACKEND: undefined,
      OPENLEDGER_KEYRING_PASSPHRASE: undefined,
    };
    const child = execFile(process.execPath, [BIN, ...args], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

describe("openledgerd CLI (child process)", () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), "openledger-cli-"));
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("keys add x --output json prints the new key and its mnemonic", async () => {
    const r = await run([
      "keys",
      "add",
      "x",
      "--home",
      home,
      "--keyring-backend",
      "test",
      "--output",
      "json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { name: string; address: string; pubkey: string; mnemonic: string };
    assert.equal(out.name, "x");
    assert.equal(out.mnemonic.split(" ").length, 24);
    const [account] = await (
      await DirectSecp256k1HdWallet.fromMnemonic(out.mnemonic, { prefix: "open" })
    ).getAccounts();
    assert.equal(out.address, account?.address);
    assert.equal((await stat(join(home, "keyring", "test", "x.json"))).mode & 0o777, 0o600);
  });

  it("recovers from stdin, lists, shows and deletes", async () => {
    const common = ["--home", home, "--keyring-backend", "test"];
    const rec = await run(["keys", "add", "r", "--recover", ...common, "-o", "json"], `${MNEMONIC}\n`);
    assert.equal(rec.code, 0, rec.stderr);
    assert.equal(JSON.parse(rec.stdout).mnemonic, undefined);
    const list = await run(["keys", "list", ...common, "-o", "json"]);
    assert.deepEqual(
      JSON.parse(list.stdout).map((k: { name: string }) => k.name),
      ["r", "x"],
    );
    const addr = await run(["keys", "show", "r", "-a", ...common]);
    assert.equal(addr.stdout.trim(), JSON.parse(rec.stdout).address);
    const del = await run(["keys", "delete", "r", "--yes", ...common]);
    assert.equal(del.code, 0, del.stderr);
  });

  it("encrypts with --keyring-backend file (mnemonic then passphrase on stdin)", async () => {
    const r = await run(
      ["keys", "add", "f", "--recover", "--home", home, "-o", "json"],
      `${MNEMONIC}\npassword123\n`,
    );
    assert.equal(r.code, 0, r.stderr);
    const show = await run(["keys", "show", "f", "--home", home, "--keyring-backend", "file", "-o", "json"]);
    assert.equal(JSON.parse(show.stdout).address, JSON.parse(r.stdout).address);
  });

  it("fails with one clear line on stderr and exit code 1", async () => {
    const r = await run(["keys", "show", "nobody", "--home", home, "--keyring-backend", "test"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^Error: key "nobody" not found in the test keyring at .*\n$/);
    const bad = await run(["keys", "add", "bad/name", "--home", home, "--keyring-backend", "test"]);
    assert.equal(bad.stderr.trim().split("\n").length, 1);
    assert.match(bad.stderr, /invalid key name/);
    const trace = await run([
      "keys",
      "show",
      "nobody",
      "--home",
      home,
      "--keyring-backend",
      "test",
      "--trace",
    ]);
    assert.match(trace.stderr, /\n\s+at /, "--trace prints the stack");
  });
});
