// TxSender against a scripted chain and mempool (sequence checks at admission, recheck after each
// block as the node's mempool does): a block committed while a tx is being admitted, and a tx whose
// waiter gave up.
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet, type EncodeObject } from "@cosmjs/proto-signing";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { sha256 } from "../../node/crypto/sha256.js";
import type { CommittedBlockEvent } from "../../node/rpc/backend.js";
import { type CheckAnswer, TxSender } from "../../node/tx-sender.js";
import { CHAIN_ID, DEV_ACCOUNTS, devAddress } from "../app/helpers.js";

const ALICE = devAddress("alice");

/** A tx labelled by its MsgSend amount, so the scripted chain can tell txs apart. */
function msg(label: number): EncodeObject {
  return {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: MsgSend.fromPartial({
      fromAddress: ALICE,
      toAddress: devAddress("bob"),
      amount: [{ denom: "uopen", amount: String(label) }],
    }),
  };
}

function decoded(tx: Uint8Array): { label: number; sequence: bigint } {
  const raw = TxRaw.decode(tx);
  const body = TxBody.decode(raw.bodyBytes);
  const send = MsgSend.decode(body.messages[0]!.value);
  return {
    label: Number(send.amount[0]!.amount),
    sequence: AuthInfo.decode(raw.authInfoBytes).signerInfos[0]!.sequence,
  };
}

/** One account's view of a chain: committed sequence, a mempool of its txs, recheck after blocks. */
class Chain {
  committed = 0n;
  height = 0n;
  mempool: { tx: Uint8Array; hash: string; label: number; sequence: bigint }[] = [];
  /** Labels whose message fails (at admission and at recheck). */
  failing = new Set<number>();
  broadcasts: number[] = [];
  /** Runs once inside the next broadcast, before admission (as the node's idle() wait for a block). */
  beforeNextAdmission?: () => void;
  private listeners = new Set<(e: CommittedBlockEvent) => void>();

  query = () => {
    const account = BaseAccount.fromPartial({ address: ALICE, accountNumber: 0n, sequence: this.committed });
    const value = QueryAccountResponse.encode({
      account: { typeUrl: "/cosmos.auth.v1beta1.BaseAccount", value: BaseAccount.encode(account).finish() },
    }).finish();
    return { code: 0, value } as never;
  };

  broadcast = async (tx: Uint8Array): Promise<CheckAnswer> => {
    await Promise.resolve();
    const hook = this.beforeNextAdmission;
    this.beforeNextAdmission = undefined;
    hook?.();
    const { label, sequence } = decoded(tx);
    this.broadcasts.push(label);
    const expected = this.committed + BigInt(this.mempool.length);
    if (sequence !== expected)
      return { code: 32, log: `account sequence mismatch, expected ${expected}, got ${sequence}` };
    if (this.failing.has(label)) return { code: 5, log: `label ${label} fails`, codespace: "sdk" };
    this.mempool.push({ tx, hash: toHex(sha256(tx)), label, sequence });
    return { code: 0, log: "" };
  };

  inMempool = (hash: Uint8Array) => this.mempool.some((e) => e.hash === toHex(hash));

  subscribe = (listener: (e: CommittedBlockEvent) => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A block with the first `n` mempool txs; then the recheck evicts what fails or is out of sequence. */
  commit(n: number): void {
    const included = this.mempool.splice(0, n);
    this.committed += BigInt(included.length);
    this.height++;
    let next = this.committed;
    this.mempool = this.mempool.filter((e) => {
      if (this.failing.has(e.label) || e.sequence !== next) return false;
      next++;
      return true;
    });
    const event = {
      block: { header: { height: this.height }, data: { txs: included.map((e) => e.tx) } },
      resultFinalizeBlock: {
        txResults: included.map(() => ({ code: 0, log: "", codespace: "", data: new Uint8Array() })),
      },
    } as unknown as CommittedBlockEvent;
    for (const l of this.listeners) l(event);
  }
}

async function sender(chain: Chain): Promise<TxSender> {
  const entry = DEV_ACCOUNTS.find((a) => a.name === "alice")!;
  const signer = await DirectSecp256k1HdWallet.fromMnemonic(entry.mnemonic, { prefix: "open" });
  return new TxSender({
    app: { query: chain.query },
    chainId: CHAIN_ID,
    signer,
    broadcast: chain.broadcast,
    inMempool: chain.inMempool,
    subscribe: chain.subscribe,
  });
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe("TxSender (scripted chain)", () => {
  it("a block committed while a tx is admitted: the retry reads the new committed sequence", async () => {
    const chain = new Chain();
    const s = await sender(chain);
    const waits = [1, 2, 3].map((label) => s.sendAndWait([msg(label)], 100_000n, 5_000));
    await settle();
    assert.deepEqual(
      chain.mempool.map((e) => e.sequence),
      [0n, 1n, 2n],
    );
    // While tx 4 waits for admission, a block includes 1 and 2; tx 3 now fails and is evicted.
    chain.beforeNextAdmission = () => {
      chain.failing.add(3);
      chain.commit(2);
    };
    const fourth = s.sendAndWait([msg(4)], 100_000n, 5_000);
    await settle();
    assert.deepEqual(
      chain.mempool.map((e) => [e.label, e.sequence]),
      [[4, 2n]],
      `tx 4 admitted with the committed sequence 2 (broadcasts: ${chain.broadcasts.join(",")})`,
    );
    chain.commit(1);
    const outcomes = await Promise.all([...waits, fourth]);
    assert.deepEqual(
      outcomes.map((o) => o.code),
      [0, 0, 5, 0],
      outcomes.map((o) => o.log).join(" | "),
    );
    s.close();
  });

  it("a tx whose waiter timed out is not signed again when the mempool evicts it", async () => {
    const chain = new Chain();
    const s = await sender(chain);
    const outcome = await s.sendAndWait([msg(1)], 100_000n, 30);
    assert.equal(outcome.code, -1, "timed out");
    // The mempool drops it (e.g. it was rechecked out): nobody waits for it any more, so
    // re-signing it would settle a payment the facilitator already reported as failed.
    chain.mempool = [];
    chain.commit(0);
    await settle();
    assert.deepEqual(chain.broadcasts, [1], "not broadcast again");
    assert.equal(chain.mempool.length, 0);
    // And the sequence it had is reused by the next tx.
    const next = s.sendAndWait([msg(2)], 100_000n, 5_000);
    await settle();
    assert.deepEqual(
      chain.mempool.map((e) => [e.label, e.sequence]),
      [[2, 0n]],
    );
    assert.deepEqual(chain.broadcasts, [1, 2], "admitted at once, without a wrong-sequence retry");
    chain.commit(1);
    assert.equal((await next).code, 0);
    s.close();
  });

  it("a tx with a timeout height not included by then gets a final answer (it can never commit later)", async () => {
    const chain = new Chain();
    const s = await sender(chain);
    const waiting = s.sendAndWait([msg(1)], 100_000n, 60_000, { timeoutHeight: 3n });
    await settle();
    assert.equal(TxBody.decode(TxRaw.decode(chain.mempool[0]!.tx).bodyBytes).timeoutHeight, 3n, "signed in");
    chain.commit(0);
    chain.commit(0);
    let answered = false;
    void waiting.then(() => {
      answered = true;
    });
    await settle();
    assert.equal(answered, false, "still includable at heights 1 and 2");
    chain.commit(0); // block 3: its last chance, passed
    const outcome = await waiting;
    assert.equal(outcome.code, -2);
    assert.match(outcome.log, /not included by its timeout height 3/);
    s.close();
  });
});
