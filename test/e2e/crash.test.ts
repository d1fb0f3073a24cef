// Crash safety: a stream of txs from several accounts, kill -9 of the node mid-stream, restart on
// the same home. Nothing cosmjs saw committed may be lost, the app state must match the chain,
// and the chain must go on.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import { type DirectSecp256k1HdWallet, decodeTxRaw } from "@cosmjs/proto-signing";
import {
  assertIsDeliverTxSuccess,
  BroadcastTxError,
  GasPrice,
  type IndexedTx,
  SigningStargateClient,
  StargateClient,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { sha256 } from "@noble/hashes/sha2.js";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { DENOM, devAccounts, devWallet, MIN_GAS_PRICE, START_BALANCE, sleep, useNode } from "./harness.js";
import { MSG_SEND_URL, msgSend, signTx } from "./txs.js";

const SENDERS = ["alice", "bob", "carol"];

interface SentTx {
  hash: string;
  from: string;
  sequence: bigint;
}

interface Seen {
  height: number;
  code: number;
}

/** Several accounts broadcasting MsgSends back to back, and a poller that records commits. */
class TxStream {
  readonly sent: SentTx[] = [];
  /** What cosmjs's getTx reported committed, by hash. */
  readonly committed = new Map<string, Seen>();
  readonly refusals: string[] = [];
  private stopped = false;
  private readonly tasks: Promise<void>[] = [];

  constructor(private readonly client: StargateClient) {}

  async start(): Promise<void> {
    const senders = await Promise.all(
      SENDERS.map(async (name) => {
        const wallet = await devWallet(name);
        const [account] = await wallet.getAccounts();
        const onChain = await this.client.getAccount(account!.address);
        assert.ok(onChain);
        return { wallet, address: account!.address, onChain };
      }),
    );
    for (const [i, { wallet, address, onChain }] of senders.entries()) {
      this.tasks.push(this.send(i, wallet, address, onChain.accountNumber, BigInt(onChain.sequence)));
    }
    this.tasks.push(this.poll());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.tasks);
  }

  private async send(
    index: number,
    wallet: DirectSecp256k1HdWallet,
    from: string,
    accountNumber: bigint,
    firstSequence: bigint,
  ): Promise<void> {
    let sequence = firstSequence;
    for (let n = 0; !this.stopped; n++) {
      // to every other dev account in turn, amounts that differ per tx
      const others = devAccounts.filter((a) => a.address !== from);
      const to = others[n % others.length]!.address;
      const amount = BigInt(1_000 + index * 100 + (n % 97));
      const tx = await signTx(wallet, { msgs: [msgSend(from, to, amount)], accountNumber, sequence });
      let hash: string;
      try {
        hash = await this.client.broadcastTxSync(tx.bytes);
      } catch (err) {
        // a refusal the test reports; anything else means the node was killed
        if (err instanceof BroadcastTxError) this.refusals.push(String(err));
        return;
      }
      this.sent.push({ hash, from, sequence });
      sequence++;
      await sleep(40);
    }
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      const pending = this.sent.filter((t) => !this.committed.has(t.hash));
      await Promise.all(
        pending.map(async ({ hash }) => {
          try {
            const found = await this.client.getTx(hash);
            if (found) this.committed.set(hash, { height: found.height, code: found.code });
          } catch {
            // node down
          }
        }),
      );
      await sleep(100);
    }
  }
}

function sendOf(indexed: IndexedTx): { from: string; to: string; amount: bigint; fee: bigint } {
  const { body, authInfo } = decodeTxRaw(indexed.tx);
  assert.equal(body.messages.length, 1);
  assert.equal(body.messages[0]!.typeUrl, MSG_SEND_URL);
  const msg = MsgSend.decode(body.messages[0]!.value);
  assert.equal(msg.amount.length, 1);
  assert.equal(msg.amount[0]!.denom, DENOM);
  const fee = authInfo.fee!.amount;
  assert.equal(fee.length, 1);
  assert.equal(fee[0]!.denom, DENOM);
  return {
    from: msg.fromAddress,
    to: msg.toAddress,
    amount: BigInt(msg.amount[0]!.amount),
    fee: BigInt(fee[0]!.amount),
  };
}

describe("e2e: kill -9 mid-stream, restart on the same home", function () {
  this.timeout(120_000);
  const ctx = useNode({ blockIntervalMs: 200 });
  /**
   * Every tx any stream got accepted into the mempool, over all rounds, by hash. A tx lost from
   * the mempool by the kill can be sent again with the same bytes (same sequence and content).
   */
  const allSent = new Map<string, SentTx>();
  const clients: Array<{ disconnect(): void }> = [];

  after(() => {
    for (const c of clients) c.disconnect();
  });

  async function connect(): Promise<{ client: StargateClient; comet: Comet38Client }> {
    const client = await StargateClient.connect(ctx.node.rpcUrl);
    const comet = await Comet38Client.connect(ctx.node.rpcUrl);
    clients.push(client, comet);
    return { client, comet };
  }

  for (const round of [1, 2]) {
    it(`round ${round}: committed txs, heights, app hash and balances survive kill -9`, async () => {
      const { client } = await connect();
      await ctx.node.waitBlocks(1);
      const stream = new TxStream(client);
      await stream.start();
      // Let txs commit for a while, then kill at a point that varies within the block interval.
      const deadline = Date.now() + 20_000;
      while (stream.committed.size < 20 && Date.now() < deadline) await sleep(50);
      assert.ok(stream.committed.size >= 20, `only ${stream.committed.size} txs committed`);
      await sleep(Math.floor(Math.random() * 200));
      const seenBeforeKill = new Map(stream.committed);
      const lastLogged = ctx.node.lastCommittedHeight;
      await ctx.node.kill();
      await stream.stop();
      client.disconnect();
      assert.deepEqual(stream.refusals, [], "no tx of the stream was refused while the node ran");
      for (const tx of stream.sent) allSent.set(tx.hash, tx);
      for (const [hash, seen] of seenBeforeKill) assert.equal(seen.code, 0, `tx ${hash} failed`);
      const maxSeenTxHeight = Math.max(...[...seenBeforeKill.values()].map((s) => s.height));

      await ctx.node.start({ blockIntervalMs: 200 });
      assert.ok(
        ctx.node.startedHeight >= lastLogged,
        `restarted at ${ctx.node.startedHeight}, last committed block logged ${lastLogged}`,
      );
      assert.ok(ctx.node.startedHeight >= BigInt(maxSeenTxHeight));
      const { client: after, comet } = await connect();
      assert.ok((await after.getHeight()) >= Number(lastLogged));

      // The app hash the app reports is the one the next header commits to.
      const info = await comet.abciInfo();
      assert.ok(info.lastBlockHeight !== undefined && info.lastBlockHeight >= Number(lastLogged));
      await ctx.node.waitForHeight(BigInt(info.lastBlockHeight + 1));
      const next = await comet.block(info.lastBlockHeight + 1);
      assert.equal(toHex(next.block.header.appHash), toHex(info.lastBlockAppHash!));
      assert.ok(info.lastBlockAppHash!.length === 32);

      // Everything cosmjs saw committed is still there, at the same height.
      for (const [hash, seen] of seenBeforeKill) {
        const found = await after.getTx(hash);
        assert.ok(found, `tx ${hash} (committed at ${seen.height} before the kill) is gone`);
        assert.equal(found.height, seen.height, `tx ${hash} moved`);
        assert.equal(found.code, 0);
      }

      // Balances and sequences are exactly what the committed txs imply.
      const committed: IndexedTx[] = [];
      for (const hash of allSent.keys()) {
        const found = await after.getTx(hash);
        if (found) committed.push(found);
      }
      assert.ok(committed.length >= seenBeforeKill.size);
      const expected = new Map(devAccounts.map((a) => [a.address, START_BALANCE]));
      const txCount = new Map<string, number>();
      for (const tx of committed) {
        assert.equal(tx.code, 0, `tx ${tx.hash}: ${tx.rawLog}`);
        const { from, to, amount, fee } = sendOf(tx);
        expected.set(from, expected.get(from)! - amount - fee);
        expected.set(to, expected.get(to)! + amount);
        txCount.set(from, (txCount.get(from) ?? 0) + 1);
      }
      for (const a of devAccounts) {
        const balance = await after.getBalance(a.address, DENOM);
        assert.equal(BigInt(balance.amount), expected.get(a.address), `balance of ${a.name}`);
        const account = await after.getAccount(a.address);
        assert.equal(account?.sequence, txCount.get(a.address) ?? 0, `sequence of ${a.name}`);
      }
      // ...and those are all the txs on the chain: every block's txs are ours and committed.
      const committedHashes = new Set(committed.map((t) => t.hash));
      const tip = await after.getHeight();
      let onChain = 0;
      for (let h = 1; h <= tip; h++) {
        for (const tx of (await after.getBlock(h)).txs) {
          onChain++;
          const hash = toHex(sha256(tx)).toUpperCase();
          assert.ok(committedHashes.has(hash), `block ${h} has tx ${hash} that is not ours`);
        }
      }
      assert.equal(onChain, committed.length);
    });
  }

  it("new txs keep committing after the restarts", async () => {
    const wallet = await devWallet("alice");
    const [account] = await wallet.getAccounts();
    const signing = await SigningStargateClient.connectWithSigner(ctx.node.rpcUrl, wallet, {
      gasPrice: GasPrice.fromString(MIN_GAS_PRICE),
      broadcastPollIntervalMs: 200,
    });
    try {
      const tip = await signing.getHeight();
      const before = BigInt((await signing.getBalance(devAccounts[4]!.address, DENOM)).amount);
      const result = await signing.sendTokens(
        account!.address,
        devAccounts[4]!.address,
        [{ denom: DENOM, amount: "4242" }],
        "auto",
      );
      assertIsDeliverTxSuccess(result);
      assert.ok(result.height > tip);
      assert.equal(BigInt((await signing.getBalance(devAccounts[4]!.address, DENOM)).amount), before + 4242n);
      await ctx.node.waitBlocks(2);
      assert.ok((await signing.getHeight()) > result.height);
    } finally {
      signing.disconnect();
    }
  });
});
