// Subscriptions over /websocket: through cosmjs's WebsocketClient and with a raw ws client.
import assert from "node:assert/strict";
import { Comet38Client, WebsocketClient } from "@cosmjs/tendermint-rpc";
import { sha256 } from "@noble/hashes/sha2.js";
import WebSocket from "ws";
import { type RpcServer, startRpcServer } from "../../node/rpc/server.js";
import { closeWebsocket } from "../support/websocket.js";
import { makeTx, SENDER, TestBackend } from "./fixture.js";

function firstOf<T>(
  stream: { subscribe: (l: object) => { unsubscribe(): void } },
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no event")), timeoutMs);
    const sub = stream.subscribe({
      next: (v: T) => {
        clearTimeout(timer);
        setImmediate(() => sub.unsubscribe());
        resolve(v);
      },
      error: (e: unknown) => reject(e),
      complete: () => {},
    });
  });
}

class RawWs {
  readonly messages: Array<Record<string, unknown>> = [];
  private waiters: Array<() => void> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (d) => {
      this.messages.push(JSON.parse(d.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async open(url: string): Promise<RawWs> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    return new RawWs(ws);
  }
  async call(id: number, method: string, params: object = {}): Promise<Record<string, unknown>> {
    this.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return this.next((m) => m["id"] === id);
  }
  async next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (;;) {
      const i = this.messages.findIndex(pred);
      if (i >= 0) return this.messages.splice(i, 1)[0]!;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("timeout waiting for a ws message")), 5000);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

describe("rpc websocket", () => {
  let backend: TestBackend;
  let server: RpcServer;
  let wsUrl: string;

  before(async () => {
    backend = await TestBackend.create();
    await backend.produceBlock([]);
    server = await startRpcServer({ laddr: "tcp://127.0.0.1:0", backend });
    wsUrl = `ws://127.0.0.1:${server.port}`;
  });

  after(async () => {
    await server?.close();
    await backend?.destroy();
  });

  it("cosmjs subscribeNewBlock, subscribeNewBlockHeader and subscribeTx receive events", async () => {
    const ws = new WebsocketClient(wsUrl);
    const client = Comet38Client.create(ws);
    try {
      const newBlock = firstOf<{ header: { height: number }; txs: Uint8Array[] }>(client.subscribeNewBlock());
      const header = firstOf<{ height: number }>(client.subscribeNewBlockHeader());
      const txEv = firstOf<{ height: number; hash: Uint8Array; result: { code: number } }>(
        client.subscribeTx(`message.sender='${SENDER}'`),
      );
      await new Promise((r) => setTimeout(r, 200)); // let the subscribe requests land
      const tx = makeTx("via ws");
      await backend.produceBlock([tx]);
      const b = await newBlock;
      assert.equal(b.header.height, 2);
      assert.deepEqual(b.txs[0], tx);
      assert.equal((await header).height, 2);
      const t = await txEv;
      assert.equal(t.height, 2);
      assert.deepEqual(t.hash, sha256(tx));
      assert.equal(t.result.code, 0);
    } finally {
      closeWebsocket(ws);
    }
  });

  it("raw protocol: subscribe reply, event shape, errors, unsubscribe", async () => {
    const ws = await RawWs.open(`${wsUrl}/websocket`);
    try {
      assert.deepEqual(
        (await ws.call(7, "subscribe", { query: "tm.event='Tx' AND tx.height>0" }))["result"],
        {},
      );
      const dup = await ws.call(8, "subscribe", { query: "tm.event='Tx' AND tx.height>0" });
      assert.equal((dup["error"] as { data: string }).data, "already subscribed");
      const bad = await ws.call(9, "subscribe", { query: "tm.event=" });
      assert.equal((bad["error"] as { code: number }).code, -32602);
      await backend.produceBlock([makeTx("raw one")]);
      const ev = await ws.next((m) => m["id"] === 7);
      const result = ev["result"] as { query: string; data: { type: string; value: Json }; events: Json };
      assert.equal(result.query, "tm.event='Tx' AND tx.height>0");
      assert.equal(result.data.type, "tendermint/event/Tx");
      assert.equal(result.data.value.TxResult.height, "3");
      assert.equal(result.data.value.TxResult.index, 0);
      assert.deepEqual(result.events["tm.event"], ["Tx"]);
      assert.deepEqual(result.events["tx.height"], ["3"]);
      assert.deepEqual(result.events["message.sender"], [SENDER]);
      // other methods work over the websocket too
      const status = await ws.call(10, "status");
      assert.equal((status["result"] as Json).sync_info.latest_block_height, "3");
      assert.deepEqual(
        (await ws.call(11, "unsubscribe", { query: "tm.event='Tx' AND tx.height>0" }))["result"],
        {},
      );
      const gone = await ws.call(12, "unsubscribe", { query: "tm.event='Tx' AND tx.height>0" });
      assert.equal((gone["error"] as { data: string }).data, "subscription not found");
      ws.ws.send("{not json");
      const parseErr = await ws.next((m) => m["id"] === null);
      assert.equal((parseErr["error"] as { code: number }).code, -32700);
    } finally {
      ws.ws.close();
    }
  });

  it("limits subscriptions per client and subscribe is websocket-only", async () => {
    const ws = await RawWs.open(`${wsUrl}/websocket`);
    try {
      for (let i = 0; i < 5; i++) {
        const r = await ws.call(i, "subscribe", { query: `tx.height=${i}` });
        assert.deepEqual(r["result"], {});
      }
      const over = await ws.call(99, "subscribe", { query: "tx.height=99" });
      assert.match((over["error"] as { data: string }).data, /max_subscriptions_per_client 5/);
    } finally {
      ws.ws.close();
    }
    const res = await fetch(`http://127.0.0.1:${server.port}`, {
      method: "POST",
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "subscribe",
        params: { query: "tm.event='NewBlock'" },
      }),
    });
    const body = (await res.json()) as { error: { data: string } };
    assert.match(body.error.data, /only available over the websocket/);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: JSON
type Json = any;
