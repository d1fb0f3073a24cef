// Signs and admits the node's own txs for one account (a validator's operator, an x402
// facilitator): the one place that owns that account's sequence, so concurrent senders never race.
// Txs are signed and admitted one at a time in sequence order; a tx admitted but later evicted by
// the mempool's recheck (e.g. one before it was refused after a block) is signed again with a fresh
// sequence, so one refused tx never takes the ones behind it down with it.

import type { EncodeObject } from "@cosmjs/proto-signing";
import { makeAuthInfoBytes, makeSignDoc, type OfflineDirectSigner } from "@cosmjs/proto-signing";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { openledgerRegistry } from "../client/registry.js";
import type { Application } from "./app/application.js";
import { SdkCode } from "./app/errors.js";
import { sha256 } from "./crypto/sha256.js";
import type { Logger } from "./logger.js";
import type { CommittedBlockEvent } from "./rpc/backend.js";

export interface TxSenderDeps {
  app: Pick<Application, "query">;
  chainId: string;
  signer: OfflineDirectSigner;
  /** Admits a tx as broadcast_tx_sync does (mempool, then gossip). */
  broadcast: (tx: Uint8Array) => Promise<CheckAnswer>;
  /** Whether the mempool still holds a tx (by hash); without it evictions are not detected. */
  inMempool?: (hash: Uint8Array) => boolean;
  /** Committed blocks (after the mempool's recheck); needed by sendAndWait. */
  subscribe?: (listener: (e: CommittedBlockEvent) => void) => () => void;
  /** Minimum gas price in uopen per 1000 gas (the node's 0.025uopen: 25). */
  gasPricePerKilo?: bigint;
  /** How many times an evicted tx is signed again before it is reported refused. */
  maxResubmits?: number;
  logger?: Logger;
}

/** A CheckTx answer: code 0 admitted. */
export interface CheckAnswer {
  code: number;
  log: string;
  codespace?: string;
}

/** The outcome of sendAndWait: code 0 and a height when committed successfully. */
export interface TxOutcome {
  hash: Uint8Array;
  /** The CheckTx code when refused at admission, else the block's result code. */
  code: number;
  log: string;
  codespace: string;
  /** 0n when never included. */
  height: bigint;
  /** Result data (TxMsgData) when included. */
  data: Uint8Array;
}

interface InFlight {
  msgs: readonly EncodeObject[];
  gas: bigint;
  sequence: bigint;
  hash: Uint8Array;
  hashHex: string;
  resubmits: number;
  done?: (o: TxOutcome) => void;
  /** Its waiter gave up (sendAndWait timed out): if evicted, it is dropped, never signed again. */
  abandoned?: boolean;
  /** The tx's timeout_height: once a block of this height is committed without it, it never can be. */
  timeoutHeight?: bigint;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

export class TxSender {
  private readonly registry = openledgerRegistry();
  private queue: Promise<unknown> = Promise.resolve();
  private nextSequence: bigint | undefined;
  /** Admitted and not yet committed, in sequence order. */
  private readonly inFlight: InFlight[] = [];
  private account?: { address: string; pubkey: Uint8Array };
  private readonly unsubscribe?: () => void;

  constructor(private readonly deps: TxSenderDeps) {
    this.unsubscribe = deps.subscribe?.((e) => this.onCommit(e));
  }

  async address(): Promise<string> {
    return (await this.key()).address;
  }

  /** Signs and admits msgs in one tx; resolves with the CheckTx answer (code 0: admitted). */
  send(msgs: readonly EncodeObject[], gas: bigint): Promise<CheckAnswer & { hash: Uint8Array }> {
    return this.serial(() =>
      this.admit({ msgs, gas, sequence: 0n, hash: new Uint8Array(), hashHex: "", resubmits: 0 }),
    );
  }

  /**
   * send, then waits for the block that includes it. With `timeoutHeight` the tx carries it (the
   * SDK's timeout_height): when block `timeoutHeight` is committed without it, the answer is final
   * (code -2: it can never be included). Without, or if blocks stop, timeoutMs answers code -1.
   */
  async sendAndWait(
    msgs: readonly EncodeObject[],
    gas: bigint,
    timeoutMs: number,
    opts: { timeoutHeight?: bigint } = {},
  ): Promise<TxOutcome> {
    if (!this.deps.subscribe) throw new Error("TxSender.sendAndWait needs the committed-block subscription");
    let resolve!: (o: TxOutcome) => void;
    const outcome = new Promise<TxOutcome>((r) => {
      resolve = r;
    });
    const entry: InFlight = {
      msgs,
      gas,
      sequence: 0n,
      hash: new Uint8Array(),
      hashHex: "",
      resubmits: 0,
      done: resolve,
      timeoutHeight: opts.timeoutHeight,
    };
    const admitted = await this.serial(() => this.admit(entry));
    if (admitted.code !== 0)
      return { ...admitted, codespace: admitted.codespace ?? "", height: 0n, data: new Uint8Array() };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<TxOutcome>((r) => {
      timer = setTimeout(
        () =>
          r({
            hash: entry.hash,
            code: -1,
            log: `not committed within ${timeoutMs} ms`,
            codespace: "",
            height: 0n,
            data: new Uint8Array(),
          }),
        timeoutMs,
      );
    });
    try {
      const result = await Promise.race([outcome, timeout]);
      // Reported as not committed: a later eviction must not sign it again (for the facilitator,
      // that would settle a payment it already answered as failed).
      if (result.code === -1) entry.abandoned = true;
      return result;
    } finally {
      clearTimeout(timer);
      entry.done = undefined;
    }
  }

  close(): void {
    this.unsubscribe?.();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async key(): Promise<{ address: string; pubkey: Uint8Array }> {
    if (!this.account) {
      const [acc] = await this.deps.signer.getAccounts();
      if (!acc) throw new Error("the signer has no account");
      this.account = { address: acc.address, pubkey: acc.pubkey };
    }
    return this.account;
  }

  /** Committed account number and sequence (undefined: the account does not exist yet). */
  private committedAccount(address: string): { accountNumber: bigint; sequence: bigint } | undefined {
    const res = this.deps.app.query({
      path: "/cosmos.auth.v1beta1.Query/Account",
      data: QueryAccountRequest.encode({ address }).finish(),
      prove: false,
    });
    if (res.code !== 0) return undefined;
    const any = QueryAccountResponse.decode(res.value).account;
    if (!any) return undefined;
    const acc = BaseAccount.decode(any.value);
    return { accountNumber: acc.accountNumber, sequence: acc.sequence };
  }

  /**
   * Signs entry with the next sequence and admits it; on a wrong sequence, resyncs once. A block
   * may commit (and onCommit run) while this awaits signing or admission: the committed account is
   * read again for the retry, and the sequence used is kept locally.
   */
  private async admit(entry: InFlight): Promise<CheckAnswer & { hash: Uint8Array }> {
    const { address } = await this.key();
    for (let attempt = 0; ; attempt++) {
      const acc = this.committedAccount(address);
      if (!acc)
        return {
          hash: new Uint8Array(),
          code: SdkCode.UnknownAddress,
          log: `account ${address} does not exist on chain`,
        };
      if (this.nextSequence === undefined || this.nextSequence < acc.sequence)
        this.nextSequence = this.resync(acc.sequence);
      const sequence = this.nextSequence;
      const tx = await this.sign(entry, sequence, acc.accountNumber);
      const res = await this.deps.broadcast(tx);
      if (res.code === 0) {
        entry.sequence = sequence;
        entry.hash = sha256(tx);
        entry.hashHex = hex(entry.hash);
        this.inFlight.push(entry);
        this.inFlight.sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
        // The mempool took `sequence`: the next is the one after, even if onCommit reset it meanwhile.
        this.nextSequence = sequence + 1n;
        return { hash: entry.hash, code: 0, log: res.log };
      }
      if (res.code !== SdkCode.WrongSequence || attempt > 0) return { ...res, hash: sha256(tx) };
      this.nextSequence = undefined;
    }
  }

  /** The next sequence: the committed one plus our txs still waiting in the mempool. */
  private resync(committed: bigint): bigint {
    const waiting = this.inFlight.filter((e) => e.sequence >= committed && this.stillPending(e)).length;
    return committed + BigInt(waiting);
  }

  private stillPending(e: InFlight): boolean {
    return this.deps.inMempool ? this.deps.inMempool(e.hash) : true;
  }

  private async sign(entry: InFlight, sequence: bigint, accountNumber: bigint): Promise<Uint8Array> {
    const { address, pubkey } = await this.key();
    const bodyBytes = this.registry.encode({
      typeUrl: "/cosmos.tx.v1beta1.TxBody",
      value: { messages: entry.msgs, memo: "", timeoutHeight: entry.timeoutHeight ?? 0n },
    });
    const pk = {
      typeUrl: "/cosmos.crypto.secp256k1.PubKey",
      value: Uint8Array.from([0x0a, pubkey.length, ...pubkey]),
    };
    const perKilo = this.deps.gasPricePerKilo ?? 25n;
    const fee = [{ denom: "uopen", amount: ((entry.gas * perKilo + 999n) / 1000n).toString() }];
    const authInfoBytes = makeAuthInfoBytes(
      [{ pubkey: pk, sequence: Number(sequence) }],
      fee,
      Number(entry.gas),
      undefined,
      undefined,
    );
    const doc = makeSignDoc(bodyBytes, authInfoBytes, this.deps.chainId, Number(accountNumber));
    const { signature, signed } = await this.deps.signer.signDirect(address, doc);
    return TxRaw.encode({
      bodyBytes: signed.bodyBytes,
      authInfoBytes: signed.authInfoBytes,
      signatures: [Buffer.from(signature.signature, "base64")],
    }).finish();
  }

  /** Resolves the included txs; signs again those the recheck evicted. */
  private onCommit(e: CommittedBlockEvent): void {
    if (this.inFlight.length === 0) return;
    const included = new Map<string, number>();
    e.block.data.txs.forEach((tx, i) => {
      included.set(hex(sha256(tx)), i);
    });
    const evicted: InFlight[] = [];
    let dropped = false;
    for (const entry of [...this.inFlight]) {
      const index = included.get(entry.hashHex);
      if (index !== undefined) {
        const r = e.resultFinalizeBlock.txResults[index]!;
        this.remove(entry);
        entry.done?.({
          hash: entry.hash,
          code: r.code,
          log: r.log,
          codespace: r.codespace,
          height: e.block.header.height,
          data: r.data,
        });
      } else if (entry.timeoutHeight !== undefined && e.block.header.height >= entry.timeoutHeight) {
        // Past its timeout height: no later block can include it (the recheck evicts it).
        this.remove(entry);
        dropped = true;
        entry.done?.({
          hash: entry.hash,
          code: -2,
          log: `not included by its timeout height ${entry.timeoutHeight}: it never will be`,
          codespace: "",
          height: 0n,
          data: new Uint8Array(),
        });
      } else if (!this.stillPending(entry)) {
        this.remove(entry);
        dropped = true;
        if (entry.abandoned)
          this.deps.logger?.debug({ tx: entry.hashHex }, "tx sender: an abandoned tx left the mempool");
        else evicted.push(entry);
      }
    }
    if (dropped) this.nextSequence = undefined; // sequences after an evicted one are free again
    if (evicted.length === 0) return;
    void this.serial(async () => {
      for (const entry of evicted) await this.readmit(entry);
    });
  }

  private async readmit(entry: InFlight): Promise<void> {
    entry.resubmits++;
    const limit = this.deps.maxResubmits ?? 3;
    const res: CheckAnswer =
      entry.resubmits > limit
        ? { code: SdkCode.WrongSequence, log: `evicted from the mempool ${limit} times`, codespace: "sdk" }
        : await this.admit(entry);
    if (res.code === 0) {
      this.deps.logger?.debug({ tx: entry.hashHex }, "tx sender: an evicted tx was signed again");
      return;
    }
    const codespace = res.codespace ?? "";
    entry.done?.({
      hash: entry.hash,
      code: res.code,
      log: res.log,
      codespace,
      height: 0n,
      data: new Uint8Array(),
    });
  }

  private remove(entry: InFlight): void {
    const i = this.inFlight.indexOf(entry);
    if (i >= 0) this.inFlight.splice(i, 1);
  }
}

/** One TxSender per account, so every user of an account shares its sequence. */
export class TxSenders {
  private readonly byAddress = new Map<string, TxSender>();

  constructor(private readonly deps: Omit<TxSenderDeps, "signer">) {}

  async for(signer: OfflineDirectSigner): Promise<TxSender> {
    const [acc] = await signer.getAccounts();
    if (!acc) throw new Error("the signer has no account");
    let sender = this.byAddress.get(acc.address);
    if (!sender) {
      sender = new TxSender({ ...this.deps, signer });
      this.byAddress.set(acc.address, sender);
    }
    return sender;
  }

  close(): void {
    for (const s of this.byAddress.values()) s.close();
  }
}
