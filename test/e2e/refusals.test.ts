// Txs the node must refuse at broadcast_tx_sync (CheckTx), each with the Cosmos SDK code, and
// without any effect: no balance moves, the sequence stays, nothing waits in the mempool. Txs are
// signed with cosmjs's own pieces and tampered with. Also bad JSON-RPC input.
import assert from "node:assert/strict";
import type { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { BroadcastTxError, StargateClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { TxBody } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import {
  CHAIN_ID,
  DENOM,
  devAccount,
  devWallet,
  eventually,
  rpcCall,
  START_BALANCE,
  useNode,
} from "./harness.js";
import { encodeRaw, highS, msgSend, registry, type SignOptions, signTx } from "./txs.js";

interface Snapshot {
  alice: bigint;
  bob: bigint;
  sequence: number;
}

describe("e2e: refused txs change nothing", function () {
  this.timeout(60_000);
  const ctx = useNode({ blockIntervalMs: 200 });
  const alice = devAccount("alice");
  const bob = devAccount("bob");
  let wallet: DirectSecp256k1HdWallet;
  let client: StargateClient;
  let comet: Comet38Client;
  let accountNumber: bigint;
  let baseline: Snapshot;

  async function snapshot(): Promise<Snapshot> {
    const account = await client.getAccount(alice.address);
    assert.ok(account);
    return {
      alice: BigInt((await client.getBalance(alice.address, DENOM)).amount),
      bob: BigInt((await client.getBalance(bob.address, DENOM)).amount),
      sequence: account.sequence,
    };
  }

  function sign(o: Partial<SignOptions>) {
    return signTx(wallet, {
      msgs: [msgSend(alice.address, bob.address, 1000n)],
      accountNumber,
      sequence: BigInt(baseline.sequence),
      ...o,
    });
  }

  /** Broadcasts, expects the refusal, then checks that two blocks later nothing changed. */
  async function expectRefused(tx: Uint8Array, code: number, log?: RegExp): Promise<BroadcastTxError> {
    let error: unknown;
    try {
      const hash = await client.broadcastTxSync(tx);
      assert.fail(`tx was accepted with hash ${hash}, expected code ${code}`);
    } catch (err) {
      error = err;
    }
    assert.ok(error instanceof BroadcastTxError, `expected BroadcastTxError, got ${error}`);
    assert.equal(error.code, code, `code ${error.code} (${error.log})`);
    assert.equal(error.codespace, "sdk");
    if (log) assert.match(error.log ?? "", log);
    assert.equal((await comet.numUnconfirmedTxs()).total, 0);
    await ctx.node.waitBlocks(2);
    assert.deepEqual(await snapshot(), baseline);
    return error;
  }

  before(async () => {
    wallet = await devWallet("alice");
    client = await StargateClient.connect(ctx.node.rpcUrl);
    comet = await Comet38Client.connect(ctx.node.rpcUrl);
    const account = await client.getAccount(alice.address);
    accountNumber = account!.accountNumber;
    baseline = await snapshot();
    assert.deepEqual(baseline, { alice: START_BALANCE, bob: START_BALANCE, sequence: 0 });
  });

  after(() => {
    client?.disconnect();
    comet?.disconnect();
  });

  it("wrong sequence → 32", async () => {
    const tx = await sign({ sequence: BigInt(baseline.sequence + 1) });
    await expectRefused(tx.bytes, 32, /account sequence mismatch, expected 0, got 1/);
  });

  it("wrong account number → 4", async () => {
    const tx = await sign({ accountNumber: accountNumber + 1n });
    await expectRefused(tx.bytes, 4, /signature verification failed/);
  });

  it("wrong chain-id → 4", async () => {
    const tx = await sign({ chainId: "openledger-other-1" });
    await expectRefused(tx.bytes, 4, /signature verification failed/);
  });

  it("bad signature → 4", async () => {
    const tx = await sign({});
    const sig = Uint8Array.from(tx.raw.signatures[0]!);
    sig[5]! ^= 0x01; // r changes, s stays low
    await expectRefused(encodeRaw({ ...tx.raw, signatures: [sig] }), 4, /signature verification failed/);
    // The signature bytes of a different tx (body changed after signing) fail the same way.
    const other = await sign({ memo: "other" });
    await expectRefused(encodeRaw({ ...tx.raw, bodyBytes: other.raw.bodyBytes }), 4);
  });

  it("high-S signature (s → n − s) → 4", async () => {
    const tx = await sign({});
    const sig = highS(tx.raw.signatures[0]!);
    assert.notDeepEqual(sig, tx.raw.signatures[0]);
    await expectRefused(encodeRaw({ ...tx.raw, signatures: [sig] }), 4, /low-S/);
  });

  it("insufficient funds → 5", async () => {
    const tooMuch = await sign({ msgs: [msgSend(alice.address, bob.address, START_BALANCE + 1n)] });
    await expectRefused(tooMuch.bytes, 5, /insufficient funds/);
    // A fee larger than the balance is refused the same way.
    const hugeFee = await sign({ feeAmount: START_BALANCE + 1n });
    await expectRefused(hugeFee.bytes, 5, /insufficient funds/);
  });

  it("fee below the minimum gas price → 13", async () => {
    const tx = await sign({ gasLimit: 200_000n, feeAmount: 4_999n }); // needs 5000
    await expectRefused(tx.bytes, 13, /insufficient fees; got: 4999uopen required: 5000uopen/);
    const none = await sign({ gasLimit: 200_000n, feeCoins: [] });
    await expectRefused(none.bytes, 13, /insufficient fees; got: 0uopen required: 5000uopen/);
    const zero = await sign({ gasLimit: 200_000n, feeAmount: 0n });
    await expectRefused(zero.bytes, 13);
    const otherDenom = await sign({ gasLimit: 200_000n, feeCoins: [{ denom: "ufoo", amount: "5000" }] });
    await expectRefused(otherDenom.bytes, 13, /insufficient fees/);
  });

  it("gas limit too low → 11", async () => {
    const tx = await sign({ gasLimit: 1_000n });
    await expectRefused(tx.bytes, 11, /out of gas/);
  });

  it("malformed TxRaw bytes → 2", async () => {
    // field 1 (body_bytes), length 100, but only 3 bytes follow
    await expectRefused(Uint8Array.of(0x0a, 0x64, 1, 2, 3), 2, /tx parse error/);
    // valid TxRaw framing whose body_bytes are not a TxBody
    const tx = await sign({});
    await expectRefused(
      encodeRaw({ ...tx.raw, bodyBytes: Uint8Array.of(0xff, 0xff, 0xff) }),
      2,
      /tx parse error/,
    );
  });

  it("unknown message type URL → 2", async () => {
    const inner = registry.encode(msgSend(alice.address, bob.address, 1000n));
    const bodyBytes = TxBody.encode(
      TxBody.fromPartial({ messages: [{ typeUrl: "/openledger.nope.v1.MsgNope", value: inner }] }),
    ).finish();
    const tx = await sign({ bodyBytes });
    await expectRefused(tx.bytes, 2, /unable to resolve type URL \/openledger.nope.v1.MsgNope/);
  });

  it("oversized tx (> 256 KiB) → 21", async () => {
    const tx = await sign({ memo: "x".repeat(300 * 1024) });
    assert.ok(tx.bytes.length > 256 * 1024);
    await expectRefused(tx.bytes, 21, /too large/);
  });

  it("the same tx twice → 19 for the second; only the first takes effect", async () => {
    const tx = await sign({ msgs: [msgSend(alice.address, bob.address, 777n)] });
    // Both are sent before the next block; whichever arrives second is the duplicate.
    const results = await Promise.allSettled([
      client.broadcastTxSync(tx.bytes),
      client.broadcastTxSync(tx.bytes),
    ]);
    const accepted = results.filter((r): r is PromiseFulfilledResult<string> => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    assert.equal(accepted.length, 1, `accepted ${accepted.length}: ${refused.map((r) => r.reason)}`);
    assert.equal(refused.length, 1);
    const err = refused[0]!.reason;
    assert.ok(err instanceof BroadcastTxError, String(err));
    assert.equal(err.code, 19);
    assert.equal(err.codespace, "sdk");

    const hash = accepted[0]!.value;
    const indexed = await eventually(async () => (await client.getTx(hash)) ?? undefined, `tx ${hash}`);
    assert.equal(indexed.code, 0);
    // Once committed, the same bytes are still refused as a duplicate.
    await assert.rejects(
      client.broadcastTxSync(tx.bytes),
      (e) => e instanceof BroadcastTxError && e.code === 19,
    );
    await ctx.node.waitBlocks(2);
    assert.deepEqual(await snapshot(), {
      alice: baseline.alice - 777n - tx.fee,
      bob: baseline.bob + 777n,
      sequence: baseline.sequence + 1,
    });
    // Exactly one tx from alice exists.
    const sent = await client.searchTx([{ key: "message.sender", value: alice.address }]);
    assert.deepEqual(
      sent.map((t) => t.hash),
      [hash],
    );
    // Its sequence is now taken: a new tx with the old sequence is refused.
    const stale = await sign({ msgs: [msgSend(alice.address, bob.address, 778n)] });
    baseline = await snapshot();
    await expectRefused(stale.bytes, 32, /expected 1, got 0/);
  });

  describe("bad JSON-RPC input", () => {
    it("unknown method, bad params, bad JSON: error responses, node alive after", async () => {
      const url = ctx.node.rpcUrl;
      const unknown = await rpcCall(url, { jsonrpc: "2.0", id: 1, method: "no_such_method", params: {} });
      assert.equal(unknown.json.id, 1);
      assert.equal((unknown.json.error as { code: number }).code, -32601);
      assert.equal(unknown.json.result, undefined);

      const badHeight = await rpcCall(url, {
        jsonrpc: "2.0",
        id: 2,
        method: "block",
        params: { height: "abc" },
      });
      assert.equal((badHeight.json.error as { code: number }).code, -32602);
      const negative = await rpcCall(url, {
        jsonrpc: "2.0",
        id: 3,
        method: "block",
        params: { height: "-1" },
      });
      assert.equal((negative.json.error as { code: number }).code, -32602);
      const badTx = await rpcCall(url, {
        jsonrpc: "2.0",
        id: 4,
        method: "broadcast_tx_sync",
        params: { tx: "not base64!" },
      });
      assert.equal((badTx.json.error as { code: number }).code, -32602);
      const badQuery = await rpcCall(url, {
        jsonrpc: "2.0",
        id: 5,
        method: "tx_search",
        params: { query: "tx.height=>'", page: "1" },
      });
      assert.equal((badQuery.json.error as { code: number }).code, -32602);
      const badParamsType = await rpcCall(url, { jsonrpc: "2.0", id: 6, method: "block", params: 42 });
      assert.equal((badParamsType.json.error as { code: number }).code, -32602);

      const notJson = await rpcCall(url, "{ this is not json");
      assert.equal((notJson.json.error as { code: number }).code, -32700);
      const noVersion = await rpcCall(url, { id: 7, method: "status" });
      assert.equal((noVersion.json.error as { code: number }).code, -32600);

      // Still serving, still producing blocks.
      const h = await client.getHeight();
      await ctx.node.waitBlocks(1);
      assert.ok((await client.getHeight()) > h);
      assert.equal(await client.getChainId(), CHAIN_ID);
    });
  });

  it("a correct tx with the current sequence still goes through after all the refusals", async () => {
    const account = await client.getAccount(alice.address);
    const tx = await sign({
      sequence: BigInt(account!.sequence),
      msgs: [msgSend(alice.address, bob.address, 5n)],
    });
    const hash = await client.broadcastTxSync(tx.bytes);
    assert.match(hash, /^[0-9A-F]{64}$/);
    const indexed = await eventually(async () => (await client.getTx(hash)) ?? undefined, `tx ${hash}`);
    assert.equal(indexed.code, 0);
  });
});
