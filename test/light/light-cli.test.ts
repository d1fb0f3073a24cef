// `openledgerd query bank balances ADDR --prove` and `openledgerd light` against a real dev node,
// directly and through a small tampering HTTP proxy: the verified balance equals cosmjs's, and
// every tampered answer (balance value, proof bytes, header field, commit signature) is refused.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { StargateClient } from "@cosmjs/stargate";
import { RpcProvider } from "../../light/index.js";
import { headerHash } from "../../node/types/header.js";
import { DENOM, devAccount, useNode } from "../e2e/harness.js";
import { flipB64, startProxy, type Tamper } from "./tamper-proxy.js";

const BIN = fileURLToPath(new URL("../../bin/openledgerd.js", import.meta.url));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe("verified queries from the CLI, through a tampering proxy", function () {
  this.timeout(120_000);
  const ctx = useNode({ blockIntervalMs: 100 });
  const state: { tamper?: Tamper } = {};
  let proxy: Server;
  let proxyUrl: string;
  let trust: string[];
  const alice = devAccount("alice").address;

  before(async () => {
    await ctx.node.waitForHeight(5n, 30_000);
    proxy = await startProxy(ctx.node.rpcUrl, state);
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const anchor = await new RpcProvider(ctx.node.rpcUrl).lightBlock(2n);
    trust = [
      "--trusted-height",
      "2",
      "--trusted-hash",
      Buffer.from(headerHash(anchor.header)).toString("hex"),
    ];
  });
  after(() => proxy?.close());
  afterEach(() => {
    state.tamper = undefined;
  });

  it("prints the balance cosmjs reports, verified", async () => {
    const r = await cli(["query", "bank", "balances", alice, "--prove", "--node", proxyUrl, ...trust]);
    assert.equal(r.code, 0, r.stderr);
    const cosm = await StargateClient.connect(ctx.node.rpcUrl);
    try {
      const expected = await cosm.getBalance(alice, DENOM);
      assert.equal(r.stdout.split("\n")[0], `${expected.amount}${expected.denom}`);
    } finally {
      cosm.disconnect();
    }
    assert.match(r.stdout, /verified at height \d+/);
    const light = await cli(["light", "--rpc", proxyUrl, ...trust, "-o", "json"]);
    assert.equal(light.code, 0, light.stderr);
    const out = JSON.parse(light.stdout);
    assert.ok(BigInt(out.height) >= 5n);
  });

  it("refuses tampered answers, naming what failed", async () => {
    const cases: Array<[string, Tamper, RegExp]> = [
      [
        "balance value",
        (m, r) => {
          if (m === "abci_query") r.response.value = Buffer.from("999999999999999999").toString("base64");
        },
        /store proof does not prove the answered value/,
      ],
      [
        "proof step",
        (m, r) => {
          if (m === "abci_query")
            r.response.proofOps.ops[0].data = flipB64(r.response.proofOps.ops[0].data, 60);
        },
        /proof/,
      ],
      [
        "multistore proof",
        (m, r) => {
          if (m === "abci_query")
            r.response.proofOps.ops[1].data = flipB64(r.response.proofOps.ops[1].data, 50);
        },
        /proof/,
      ],
      [
        "header app_hash",
        (m, r) => {
          if (m === "commit" && r.signed_header.header.height !== "2")
            r.signed_header.header.app_hash = "00".repeat(32);
        },
        /hashes to .* but the commit signs block/,
      ],
      [
        "commit signature",
        (m, r) => {
          if (m === "commit" && r.signed_header.header.height !== "2")
            r.signed_header.commit.signatures[0].signature = flipB64(
              r.signed_header.commit.signatures[0].signature,
              10,
            );
        },
        /wrong signature/,
      ],
      [
        "balance answered absent",
        (m, r) => {
          if (m === "abci_query") r.response.value = null;
        },
        /not a non-existence proof/,
      ],
    ];
    for (const [what, tamper, expected] of cases) {
      state.tamper = tamper;
      const r = await cli(["query", "bank", "balances", alice, "--prove", "--node", proxyUrl, ...trust]);
      assert.notEqual(r.code, 0, `${what}: accepted: ${r.stdout}`);
      assert.equal(r.stdout, "", what);
      assert.match(r.stderr, expected, what);
    }
    state.tamper = undefined;
    const noTrust = await cli(["query", "bank", "balances", alice, "--prove", "--node", proxyUrl]);
    assert.match(noTrust.stderr, /needs a trust root/);
    const badHash = await cli([
      "light",
      "--rpc",
      proxyUrl,
      "--trusted-height",
      "2",
      "--trusted-hash",
      "AB".repeat(32),
    ]);
    assert.match(badHash.stderr, /not the trusted/);
  });
});
