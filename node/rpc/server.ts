// CometBFT-compatible RPC server: JSON-RPC 2.0 over POST (single and batch), the GET URI form
// (/status, /block?height=5, /tx_search?query="tx.height=5"), CORS, and /websocket.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RpcBackend } from "./backend.js";
import { callMethod, errorResponse, handleBody, type JsonRpcResponse, toRpcError } from "./dispatch.js";
import { INVALID_REQUEST, METHOD_NOT_FOUND, RpcError } from "./errors.js";
import { EventHub } from "./events.js";
import { type CallContext, METHODS, WS_ONLY } from "./methods.js";
import { decodeUriParams } from "./params.js";
import { WsEndpoint } from "./websocket.js";

type LogFn = (obj: object, msg?: string) => void;
export interface RpcLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** An extra HTTP route (e.g. the content store's /content/): it answers every request under prefix. */
export interface HttpRoute {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface RpcServerOptions {
  /** "tcp://host:port"; port 0 picks a free one. */
  laddr: string;
  backend: RpcBackend;
  /** Allow any origin (Access-Control-Allow-Origin: *) and answer OPTIONS preflights. */
  cors?: boolean;
  logger?: RpcLogger;
  /** CometBFT's max_body_bytes (default 1 000 000). */
  maxBodyBytes?: number;
  /** CometBFT's max_subscriptions_per_client (default 5). */
  maxSubscriptionsPerClient?: number;
  /** CometBFT's max_open_connections, applied to websocket clients (default 900). */
  maxWsConnections?: number;
  /** CometBFT's timeout_broadcast_tx_commit (default 10 s). */
  broadcastTxCommitTimeoutMs?: number;
  /** Routes served before JSON-RPC, by path prefix. */
  routes?: readonly HttpRoute[];
}

export interface RpcServer {
  port: number;
  close(): Promise<void>;
}

const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, OPTIONS",
  "Access-Control-Allow-Headers": "Origin, Accept, Content-Type, X-Requested-With, X-Server-Time",
  "Access-Control-Max-Age": "600",
};

class BodyTooLarge extends Error {}

export function parseLaddr(laddr: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:/]+):(\d{1,5})$/.exec(laddr);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535)
    throw new Error(`invalid RPC listen address ${JSON.stringify(laddr)}: want tcp://host:port`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

export async function startRpcServer(opts: RpcServerOptions): Promise<RpcServer> {
  const { host, port } = parseLaddr(opts.laddr);
  const log = opts.logger;
  const maxBody = opts.maxBodyBytes ?? 1_000_000;
  const onError = (err: unknown) => log?.error({ err }, "rpc error");
  const hub = new EventHub(opts.backend, onError);
  const ctx: CallContext = {
    backend: opts.backend,
    hub,
    rpcAddress: opts.laddr,
    broadcastTxCommitTimeoutMs: opts.broadcastTxCommitTimeoutMs ?? 10_000,
  };
  const dispatchOpts = {
    onInternalError: (method: string, err: unknown) => log?.error({ err, method }, "rpc method failed"),
  };
  const ws = new WsEndpoint({
    ctx,
    maxSubscriptionsPerClient: opts.maxSubscriptionsPerClient ?? 5,
    maxConnections: opts.maxWsConnections ?? 900,
    maxMessageBytes: maxBody,
    maxBufferedBytes: 16 * 1024 * 1024,
    pingIntervalMs: 30_000,
    onError,
  });

  const send = (res: ServerResponse, status: number, body: unknown, type = "application/json") => {
    if (res.headersSent) return;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (opts.cors) for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "OPTIONS") {
      res.writeHead(opts.cors ? 204 : 405, { "Content-Length": 0 });
      res.end();
      return;
    }
    const route = opts.routes?.find((r) => url.pathname.startsWith(r.prefix));
    if (route) {
      await route.handle(req, res);
      return;
    }
    if (req.method === "POST") {
      let body: string;
      try {
        body = await readBody(req, maxBody);
      } catch (err) {
        if (!(err instanceof BodyTooLarge)) throw err;
        res.setHeader("Connection", "close");
        const error = new RpcError(INVALID_REQUEST, `request body larger than ${maxBody} bytes`);
        res.on("finish", () => req.destroy());
        send(res, 413, errorResponse(null, error));
        return;
      }
      const { status, payload } = await handleBody(body, ctx, dispatchOpts);
      if (payload === undefined) send(res, status, "");
      else send(res, status, payload);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD, POST, OPTIONS");
      send(
        res,
        405,
        errorResponse(null, new RpcError(INVALID_REQUEST, `HTTP method ${req.method} not allowed`)),
      );
      return;
    }
    const name = url.pathname.replace(/^\/+|\/+$/g, "");
    if (name === "") {
      send(res, 200, routesHtml(), "text/html; charset=utf-8");
      return;
    }
    const def = Object.hasOwn(METHODS, name) && !WS_ONLY.has(name) ? METHODS[name] : undefined;
    if (!def) {
      const data =
        name === "websocket"
          ? "use a websocket upgrade for /websocket"
          : `unknown method ${JSON.stringify(name)}`;
      send(res, 404, errorResponse(-1, new RpcError(METHOD_NOT_FOUND, data)));
      return;
    }
    let reply: JsonRpcResponse;
    try {
      const params = decodeUriParams(def.params, url.searchParams);
      reply = { jsonrpc: "2.0", id: -1, result: await callMethod(name, params, ctx) };
    } catch (err) {
      if (!(err instanceof RpcError)) dispatchOpts.onInternalError(name, err);
      reply = errorResponse(-1, toRpcError(err));
    }
    send(res, 200, reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      log?.error({ err }, "rpc request failed");
      send(res, 500, errorResponse(null, toRpcError(err)));
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  server.on("upgrade", (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/websocket") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    ws.handleUpgrade(req, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", onError);
  const actualPort = (server.address() as AddressInfo).port;
  ctx.rpcAddress = `tcp://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  log?.info({ laddr: ctx.rpcAddress }, "RPC server listening");

  return {
    port: actualPort,
    close: async () => {
      ws.close();
      hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function routesHtml(): string {
  const rows = Object.entries(METHODS)
    .filter(([name]) => !WS_ONLY.has(name))
    .map(([name, def]) => {
      const args = def.params.map(([p]) => `${p}=_`).join("&");
      return `<a href="/${name}${args ? `?${args}` : ""}">/${name}${args ? `?${args}` : ""}</a></br>`;
    });
  return `<html><body><br>Available endpoints:<br>${rows.join("\n")}</body></html>`;
}
