// Fans the node's committed blocks out as CometBFT events (NewBlock, NewBlockHeader,
// NewBlockEvents, Tx) to websocket subscribers, and wakes broadcast_tx_commit waiters.
import type { TxResult } from "cosmjs-types/tendermint/abci/types";
import type { CommittedBlockEvent, RpcBackend } from "./backend.js";
import { int64, toBase64, toHexUpper, txHash } from "./encoding.js";
import { blockIdJson, blockJson, headerJson, type Json } from "./json.js";
import { eventsJson, execTxResultJson, finalizeBlockJson } from "./json-abci.js";
import { type EventMap, eventMap, matchesEvents, type Query } from "./query.js";

/** One event as published: its query events, and its `data` built only when someone wants it. */
export interface PublishedEvent {
  events: EventMap;
  data: () => Json;
}

export interface Subscriber {
  query: Query;
  deliver(data: Json, events: EventMap): void;
}

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly txWaiters = new Map<string, Set<(tx: TxResult | undefined) => void>>();
  private readonly unsubscribeBackend: () => void;

  constructor(
    backend: RpcBackend,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.unsubscribeBackend = backend.subscribe((e) => this.onBlock(e));
  }

  /** Stops listening; pending broadcast_tx_commit waiters resolve empty (→ their timeout error). */
  close(): void {
    this.unsubscribeBackend();
    this.subscribers.clear();
    for (const set of [...this.txWaiters.values()]) for (const w of [...set]) w(undefined);
    this.txWaiters.clear();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  add(sub: Subscriber): () => void {
    this.subscribers.add(sub);
    return () => this.subscribers.delete(sub);
  }

  /** Resolves with the tx's result once a block containing it is committed; register before broadcasting. */
  waitForTx(
    hash: Uint8Array,
    timeoutMs: number,
  ): { promise: Promise<TxResult | undefined>; cancel: () => void } {
    const key = toHexUpper(hash);
    let done: (tx: TxResult | undefined) => void = () => {};
    const promise = new Promise<TxResult | undefined>((resolve) => {
      done = resolve;
    });
    const set = this.txWaiters.get(key) ?? new Set();
    this.txWaiters.set(key, set);
    const finish = (tx: TxResult | undefined) => {
      clearTimeout(timer);
      set.delete(finish);
      if (set.size === 0 && this.txWaiters.get(key) === set) this.txWaiters.delete(key);
      done(tx);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    set.add(finish);
    return { promise, cancel: () => finish(undefined) };
  }

  private onBlock(e: CommittedBlockEvent): void {
    // Nobody subscribed or waiting: nothing to hash or encode (a block can hold thousands of txs).
    if (this.subscribers.size === 0 && this.txWaiters.size === 0) return;
    try {
      if (this.subscribers.size > 0) for (const ev of blockEvents(e)) this.publish(ev);
      const { block, resultFinalizeBlock } = e;
      block.data.txs.forEach((tx, index) => {
        const result = resultFinalizeBlock.txResults[index];
        if (!result) return;
        const txResult: TxResult = { height: block.header.height, index, tx, result };
        const hash = txHash(tx);
        const waiters = this.txWaiters.get(toHexUpper(hash));
        if (waiters) for (const w of [...waiters]) w(txResult);
        if (this.subscribers.size > 0) this.publish(txEvent(txResult, hash));
      });
    } catch (err) {
      this.onError(err);
    }
  }

  private publish(ev: PublishedEvent): void {
    let data: Json | undefined;
    for (const sub of this.subscribers) {
      if (!matchesEvents(sub.query, ev.events)) continue;
      data ??= ev.data();
      try {
        sub.deliver(data, ev.events);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}

function withTmEvent(base: EventMap, type: string): EventMap {
  const out: EventMap = Object.create(null);
  for (const [k, v] of Object.entries(base)) out[k] = [...v];
  out["tm.event"] = [type];
  return out;
}

function blockEvents(e: CommittedBlockEvent): PublishedEvent[] {
  const { block, blockId, resultFinalizeBlock: r } = e;
  const base = eventMap(r.events);
  return [
    {
      events: withTmEvent(base, "NewBlock"),
      data: () => ({
        type: "tendermint/event/NewBlock",
        value: {
          block: blockJson(block),
          block_id: blockIdJson(blockId),
          result_finalize_block: finalizeBlockJson(r),
        },
      }),
    },
    {
      events: withTmEvent(base, "NewBlockHeader"),
      data: () => ({ type: "tendermint/event/NewBlockHeader", value: { header: headerJson(block.header) } }),
    },
    {
      events: withTmEvent(base, "NewBlockEvents"),
      data: () => ({
        type: "tendermint/event/NewBlockEvents",
        value: {
          height: int64(block.header.height),
          events: eventsJson(r.events),
          num_txs: int64(block.data.txs.length),
        },
      }),
    },
  ];
}

function txEvent(t: TxResult, hash: Uint8Array): PublishedEvent {
  const events = withTmEvent(eventMap(t.result.events), "Tx");
  events["tx.hash"] = [toHexUpper(hash)];
  events["tx.height"] = [int64(t.height)];
  return {
    events,
    data: () => ({
      type: "tendermint/event/Tx",
      value: {
        TxResult: {
          height: int64(t.height),
          index: t.index,
          tx: toBase64(t.tx),
          result: execTxResultJson(t.result),
        },
      },
    }),
  };
}
