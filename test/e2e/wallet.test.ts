// The wallet flows of stock cosmjs against the real node: queries, "auto" gas sends, tx lookup
// and search, blocks, and the websocket new-block subscription.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet, decodeTxRaw } from "@cosmjs/proto-signing";
import {
  assertIsDeliverTxSuccess,
  type DeliverTxResponse,
  GasPrice,
  SigningStargateClient,
} from "@cosmjs/stargate";
import { Comet38Client, WebsocketClient } from "@cosmjs/tendermint-rpc";
import { sha256 } from "@noble/hashes/sha2.js";
import { MsgMultiSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { closeWebsocket } from "../support/websocket.js";
import { CHAIN_ID, DENOM, devAccount, MIN_GAS_PRICE, PREFIX, START_BALANCE, useNode } from "./harness.js";
import { MSG_MULTI_SEND_URL } from "./txs.js";

async function freshAddress(): Promise<string> {
  const wallet = await DirectSecp256k1HdWallet.generate(12, { prefix: PREFIX });
  const [account] = await wallet.getAccounts();
  return account!.address;
}

/** The fee the tx paid, read from its signed bytes as stored by the node. */
async function feeOf(client: SigningStargateClient, hash: string): Promise<bigint> {
  const indexed = await client.getTx(hash);
  assert.ok(indexed, `tx ${hash} not found`);
  const fee = decodeTxRaw(indexed.tx).authInfo.fee!;
  assert.equal(fee.amount.length, 1);
  assert.equal(fee.amount[0]!.denom, DENOM);
  // "auto": gas = ceil(simulated × 1.4), fee = ceil(gas × 0.025)
  assert.equal(BigInt(fee.amount[0]!.amount), (fee.gasLimit * 25n + 999n) / 1000n);
  return BigInt(fee.amount[0]!.amount);
}

describe("e2e: stock cosmjs wallet against the node", function () {
  this.timeout(60_000);
  const ctx = useNode({ blockIntervalMs: 200 });
  const alice = devAccount("alice");
  let client: SigningStargateClient;
  let sendResult: DeliverTxResponse;
  let multiResult: DeliverTxResponse;
  let recipient: string;

  before(async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(alice.mnemonic, { prefix: PREFIX });
    client = await SigningStargateClient.connectWithSigner(ctx.node.rpcUrl, wallet, {
      gasPrice: GasPrice.fromString(MIN_GAS_PRICE),
    });
    recipient = await freshAddress();
  });

  after(() => client?.disconnect());

  it("reads chain id, height, accounts and balances", async () => {
    assert.equal(await client.getChainId(), CHAIN_ID);
    await ctx.node.waitForHeight(2n);
    const height = await client.getHeight();
    assert.ok(height >= 2, `height ${height}`);

    const account = await client.getAccount(alice.address);
    assert.ok(account);
    assert.equal(account.address, alice.address);
    assert.equal(account.accountNumber, 0n);
    assert.equal(account.sequence, 0);
    assert.equal(account.pubkey, null);
    assert.equal(await client.getAccount(recipient), null);

    const balance = await client.getBalance(alice.address, DENOM);
    assert.deepEqual(balance, { denom: DENOM, amount: START_BALANCE.toString() });
    assert.deepEqual(await client.getAllBalances(alice.address), [
      { denom: DENOM, amount: START_BALANCE.toString() },
    ]);
    assert.deepEqual(await client.getBalance(recipient, DENOM), { denom: DENOM, amount: "0" });
    assert.deepEqual(await client.getAllBalances(recipient), []);
  });

  it('sendTokens with fee "auto" moves exactly amount + fee', async () => {
    const before = BigInt((await client.getBalance(alice.address, DENOM)).amount);
    sendResult = await client.sendTokens(
      alice.address,
      recipient,
      [{ denom: DENOM, amount: "12345" }],
      "auto",
    );
    assertIsDeliverTxSuccess(sendResult);
    assert.ok(sendResult.height > 0);
    assert.ok(sendResult.gasUsed > 0n && sendResult.gasUsed <= sendResult.gasWanted);
    assert.equal(sendResult.msgResponses.length, 1);
    assert.equal(sendResult.msgResponses[0]!.typeUrl, "/cosmos.bank.v1beta1.MsgSendResponse");
    const fee = await feeOf(client, sendResult.transactionHash);
    assert.ok(fee > 0n);
    const feeEvent = sendResult.events
      .find((e) => e.type === "tx" && e.attributes.some((a) => a.key === "fee"))
      ?.attributes.find((a) => a.key === "fee");
    assert.equal(feeEvent?.value, `${fee}${DENOM}`);

    const after = BigInt((await client.getBalance(alice.address, DENOM)).amount);
    assert.equal(after, before - 12345n - fee);
    assert.deepEqual(await client.getBalance(recipient, DENOM), { denom: DENOM, amount: "12345" });
    const account = await client.getAccount(alice.address);
    assert.equal(account?.sequence, 1);
    assert.ok(account?.pubkey, "the pubkey is set by the first tx");
    // The recipient now exists, as a BaseAccount with the next account number.
    const recipientAccount = await client.getAccount(recipient);
    assert.ok(recipientAccount);
    assert.equal(recipientAccount.sequence, 0);
  });

  it('signAndBroadcast of a MsgMultiSend with "auto"', async () => {
    const second = await freshAddress();
    const before = BigInt((await client.getBalance(alice.address, DENOM)).amount);
    const beforeRecipient = BigInt((await client.getBalance(recipient, DENOM)).amount);
    const msg = {
      typeUrl: MSG_MULTI_SEND_URL,
      value: MsgMultiSend.fromPartial({
        inputs: [{ address: alice.address, coins: [{ denom: DENOM, amount: "3000" }] }],
        outputs: [
          { address: recipient, coins: [{ denom: DENOM, amount: "1000" }] },
          { address: second, coins: [{ denom: DENOM, amount: "2000" }] },
        ],
      }),
    };
    multiResult = await client.signAndBroadcast(alice.address, [msg], "auto", "multi");
    assertIsDeliverTxSuccess(multiResult);
    assert.ok(multiResult.height >= sendResult.height);
    const fee = await feeOf(client, multiResult.transactionHash);
    assert.equal(BigInt((await client.getBalance(alice.address, DENOM)).amount), before - 3000n - fee);
    assert.equal(BigInt((await client.getBalance(recipient, DENOM)).amount), beforeRecipient + 1000n);
    assert.deepEqual(await client.getAllBalances(second), [{ denom: DENOM, amount: "2000" }]);
    assert.equal((await client.getAccount(alice.address))?.sequence, 2);
    const indexed = await client.getTx(multiResult.transactionHash);
    assert.equal(decodeTxRaw(indexed!.tx).body.memo, "multi");
  });

  it("getTx, searchTx by sender and by height, getBlock", async () => {
    const tx = await client.getTx(sendResult.transactionHash);
    assert.ok(tx);
    assert.equal(tx.hash, sendResult.transactionHash);
    assert.equal(tx.height, sendResult.height);
    assert.equal(tx.code, 0);
    assert.equal(tx.gasUsed, sendResult.gasUsed);
    assert.equal(tx.gasWanted, sendResult.gasWanted);
    assert.equal(toHex(sha256(tx.tx)).toUpperCase(), sendResult.transactionHash);
    const body = decodeTxRaw(tx.tx).body;
    assert.equal(body.messages[0]!.typeUrl, "/cosmos.bank.v1beta1.MsgSend");
    assert.equal(await client.getTx("00".repeat(32)), null);

    const bySender = await client.searchTx([{ key: "message.sender", value: alice.address }]);
    const senderHashes = bySender.map((t) => t.hash).sort();
    assert.deepEqual(senderHashes, [sendResult.transactionHash, multiResult.transactionHash].sort());

    const byHeight = await client.searchTx(`tx.height=${sendResult.height}`);
    assert.ok(byHeight.length >= 1);
    assert.ok(byHeight.every((t) => t.height === sendResult.height));
    assert.ok(byHeight.some((t) => t.hash === sendResult.transactionHash));
    const byPair = await client.searchTx([{ key: "tx.height", value: sendResult.height }]);
    assert.deepEqual(
      byPair.map((t) => t.hash),
      byHeight.map((t) => t.hash),
    );

    const block = await client.getBlock(sendResult.height);
    assert.equal(block.header.height, sendResult.height);
    assert.equal(block.header.chainId, CHAIN_ID);
    assert.equal(block.txs.length, byHeight.length);
    const hashes = block.txs.map((t) => toHex(sha256(t)).toUpperCase());
    assert.equal(hashes[tx.txIndex], sendResult.transactionHash);

    const latest = await client.getBlock();
    assert.ok(latest.header.height >= multiResult.height);
  });

  it("websocket: subscribeNewBlock yields blocks", async () => {
    const ws = new WebsocketClient(ctx.node.wsUrl);
    const comet = Comet38Client.create(ws);
    try {
      const start = await comet.status();
      const heights = await new Promise<number[]>((resolve, reject) => {
        const seen: number[] = [];
        const timer = setTimeout(() => reject(new Error("no NewBlock event in 10 s")), 10_000);
        const sub = comet.subscribeNewBlock().subscribe({
          next: (event) => {
            assert.equal(event.header.chainId, CHAIN_ID);
            seen.push(event.header.height);
            if (seen.length === 2) {
              clearTimeout(timer);
              sub.unsubscribe();
              resolve(seen);
            }
          },
          error: (err) => {
            clearTimeout(timer);
            reject(err);
          },
          complete: () => {},
        });
      });
      assert.ok(heights[0]! > start.syncInfo.latestBlockHeight - 1, `heights ${heights}`);
      assert.equal(heights[1], heights[0]! + 1);
    } finally {
      closeWebsocket(ws);
    }
  });
});
