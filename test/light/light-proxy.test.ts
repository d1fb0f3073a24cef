// The light proxy in front of a real dev node (through a tampering forwarder): the stock cosmjs
// StargateClient connected to the proxy reads the same chain id, height, balances and accounts as
// from the node, every one verified; a tampered answer reaches cosmjs as an error, never as data;
// methods it cannot verify are refused.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { StargateClient } from "@cosmjs/stargate";
import { LightClient, RpcProvider, startLightProxy } from "../../light/index.js";
import { headerHash } from "../../node/types/header.js";
import { CHAIN_ID, DENOM, devAccount, useNode } from "../e2e/harness.js";
import { flipB64, type Json, startProxy, type Tamper } from "./tamper-proxy.js";

describe("light proxy: verified JSON-RPC for the stock cosmjs client", function () {
  this.timeout(60_000);
  const ctx = useNode({ blockIntervalMs: 100 });
  const state: { tamper?: Tamper } = {};
  let forwarder: Server;
  let proxy: { url: string; close(): Promise<void> };
  const alice = devAccount("alice").address;

  before(async () => {
    await ctx.node.waitForHeight(5n, 30_000);
    forwarder = await startProxy(ctx.node.rpcUrl, state);
    const provider = new RpcProvider(`http://127.0.0.1:${(forwarder.address() as AddressInfo).port}`);
    const anchor = await new RpcProvider(ctx.node.rpcUrl).lightBlock(2n);
    const client = await LightClient.create(provider, {
      chainId: CHAIN_ID,
      trustedHeight: 2n,
      trustedHash: headerHash(anchor.header),
    });
    proxy = await startLightProxy({ client, provider, port: 0 });
  });
  after(async () => {
    await proxy?.close();
    forwarder?.close();
  });
  afterEach(() => {
    state.tamper = undefined;
  });

  const rpc = async (method: string, params: Record<string, unknown> = {}) =>
    (await (
      await fetch(proxy.url, {
        method: "POST",
        body: JSON.stringify({ jsonrpc: "2.0", id: 7, method, params }),
      })
    ).json()) as Json;

  it("cosmjs reads chain id, height, balances and accounts through it, equal to the node's", async () => {
    const direct = await StargateClient.connect(ctx.node.rpcUrl);
    const viaProxy = await StargateClient.connect(proxy.url);
    try {
      assert.equal(await viaProxy.getChainId(), CHAIN_ID);
      assert.ok((await viaProxy.getHeight()) >= 5);
      assert.deepEqual(await viaProxy.getBalance(alice, DENOM), await direct.getBalance(alice, DENOM));
      const account = await viaProxy.getAccount(alice);
      const expected = await direct.getAccount(alice);
      assert.equal(account?.address, expected?.address);
      assert.equal(account?.accountNumber, expected?.accountNumber);
      assert.equal(account?.sequence, expected?.sequence);
      const [stranger] = await (await Secp256k1HdWallet.generate(12, { prefix: "open" })).getAccounts();
      assert.equal(await viaProxy.getAccount(stranger!.address), null, "proven absent");
      assert.deepEqual(await viaProxy.getBalance(stranger!.address, DENOM), { denom: DENOM, amount: "0" });
    } finally {
      direct.disconnect();
      viaProxy.disconnect();
    }
    const commit = await rpc("commit", { height: "3" });
    const fromNode = (await (await fetch(`${ctx.node.rpcUrl}/commit?height=3`)).json()) as Json;
    assert.deepEqual(commit.result.signed_header.header, fromNode.result.signed_header.header);
    const vals = await rpc("validators", { height: "3" });
    assert.equal(
      vals.result.validators[0].address,
      fromNode.result.signed_header.commit.signatures[0].validator_address,
    );
  });

  it("a tampered answer reaches cosmjs as an error, never as data; unverifiable methods are refused", async () => {
    const viaProxy = await StargateClient.connect(proxy.url);
    try {
      state.tamper = (method, result) => {
        if (method === "abci_query" && result.response.value)
          result.response.value = flipB64(result.response.value, 3);
      };
      await assert.rejects(viaProxy.getBalance(alice, DENOM), /proof|verif/i);
      state.tamper = (method, result) => {
        if (method === "commit") result.signed_header.header.app_hash = "AB".repeat(32);
      };
      // A header the proxy has not verified yet, with a changed app hash, is refused.
      const status = (await (await fetch(`${ctx.node.rpcUrl}/status`)).json()) as Json;
      const latest = Number(status.result.sync_info.latest_block_height);
      const bad = await rpc("commit", { height: String(latest + 2) });
      assert.ok(bad.error, JSON.stringify(bad).slice(0, 300));
    } finally {
      viaProxy.disconnect();
    }
    const refused = await rpc("tx_search", { query: "tx.height=1" });
    assert.equal(refused.error.code, -32601);
    assert.match(refused.error.message, /not verifiable by the light proxy/);
    const badPath = await rpc("abci_query", { path: "/cosmos.staking.v1beta1.Query/Validators", data: "" });
    assert.match(badPath.error.message, /not verifiable/);
  });
});
