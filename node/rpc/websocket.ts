// The /websocket endpoint: every JSON-RPC method, plus subscribe/unsubscribe/unsubscribe_all.
// Events go out as CometBFT sends them: {"jsonrpc":"2.0","id":<subscribe id>,
// "result":{"query":…,"data":{"type":"tendermint/event/…","value":…},"events":{…}}}.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { errorResponse, handleRequest, type JsonRpcId, type JsonRpcResponse } from "./dispatch.js";
import { internalError, invalidParams, PARSE_ERROR, RpcError, SERVER_ERROR } from "./errors.js";
import type { Json } from "./json.js";
import type { CallContext, WsCalls } from "./methods.js";
import { parseQuery, QuerySyntaxError } from "./query.js";

export interface WsOptions {
  ctx: CallContext;
  maxSubscriptionsPerClient: number;
  maxConnections: number;
  maxMessageBytes: number;
  /** Subscriptions are cancelled when this many bytes wait unsent to a client. */
  maxBufferedBytes: number;
  pingIntervalMs: number;
  onError: (err: unknown) => void;
}

export class WsEndpoint {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<WsSession>();
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly opts: WsOptions) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxMessageBytes });
    this.pinger = setInterval(() => {
      for (const s of this.sessions) s.ping();
    }, opts.pingIntervalMs);
    this.pinger.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.sessions.size >= this.opts.maxConnections) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new WsSession(ws, this.opts);
      this.sessions.add(session);
      ws.on("close", () => {
        session.unsubscribeAll();
        this.sessions.delete(session);
      });
    });
  }

  close(): void {
    clearInterval(this.pinger);
    for (const s of this.sessions) s.terminate();
    this.sessions.clear();
    this.wss.close();
  }
}

class WsSession {
  private readonly subs = new Map<string, () => void>();
  private alive = true;

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: WsOptions,
  ) {
    ws.on("pong", () => {
      this.alive = true;
    });
    ws.on("error", (err) => opts.onError(err));
    ws.on("message", (data, isBinary) => {
      this.onMessage(data, isBinary).catch((err) => opts.onError(err));
    });
  }

  ping(): void {
    if (!this.alive) {
      this.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  terminate(): void {
    this.unsubscribeAll();
    this.ws.terminate();
  }

  unsubscribeAll(): void {
    for (const unsub of this.subs.values()) unsub();
    this.subs.clear();
  }

  private send(msg: JsonRpcResponse | JsonRpcResponse[]): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private async onMessage(data: RawData, isBinary: boolean): Promise<void> {
    let parsed: unknown;
    try {
      if (isBinary) throw new Error("binary messages are not supported");
      parsed = JSON.parse(rawToString(data));
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.send(errorResponse(null, new RpcError(PARSE_ERROR, `error unmarshaling request: ${msg}`)));
      return;
    }
    if (Array.isArray(parsed)) {
      const out = await Promise.all(parsed.map((req) => this.handle(req)));
      const replies = out.filter((x): x is JsonRpcResponse => x !== undefined);
      if (replies.length > 0) this.send(replies);
      return;
    }
    const reply = await this.handle(parsed);
    if (reply) this.send(reply);
  }

  private handle(req: unknown): Promise<JsonRpcResponse | undefined> {
    const rawId =
      typeof req === "object" && req !== null ? (req as Record<string, unknown>)["id"] : undefined;
    const id: JsonRpcId = typeof rawId === "string" || typeof rawId === "number" ? rawId : null;
    const ctx: CallContext = { ...this.opts.ctx, ws: this.calls(id) };
    return handleRequest(req, ctx, { onInternalError: (_m, err) => this.opts.onError(err) });
  }

  private calls(id: JsonRpcId): WsCalls {
    return {
      subscribe: (text) => this.subscribe(text, id),
      unsubscribe: (text) => {
        const unsub = this.subs.get(text.trim());
        if (!unsub) throw internalError("subscription not found");
        unsub();
        this.subs.delete(text.trim());
        return {};
      },
      unsubscribeAll: () => {
        if (this.subs.size === 0) throw internalError("subscription not found");
        this.unsubscribeAll();
        return {};
      },
    };
  }

  private subscribe(text: string, id: JsonRpcId): Json {
    let query: ReturnType<typeof parseQuery>;
    try {
      query = parseQuery(text);
    } catch (err) {
      if (err instanceof QuerySyntaxError) throw invalidParams(`failed to parse query: ${err.message}`);
      throw err;
    }
    const key = text.trim();
    if (this.subs.has(key)) throw internalError("already subscribed");
    if (this.subs.size >= this.opts.maxSubscriptionsPerClient) {
      throw internalError(`max_subscriptions_per_client ${this.opts.maxSubscriptionsPerClient} reached`);
    }
    const unsub = this.opts.ctx.hub.add({
      query,
      deliver: (data, events) => {
        if (this.ws.bufferedAmount > this.opts.maxBufferedBytes) {
          this.unsubscribeAll();
          const reason = "subscription was cancelled (reason: client is not pulling messages fast enough)";
          this.send(errorResponse(id, new RpcError(SERVER_ERROR, reason)));
          return;
        }
        this.send({ jsonrpc: "2.0", id, result: { query: text, data, events } });
      },
    });
    this.subs.set(key, unsub);
    return {};
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}
