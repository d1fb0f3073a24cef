// The ABCI socket server (CometBFT v0.38's abci/server/socket_server.go): serves one Application
// to the connections CometBFT opens (consensus, mempool, info, snapshot) over TCP or a unix socket.
// Each connection's requests are answered in order; application calls from all connections run one
// at a time (one global queue), so Commit never interleaves with CheckTx or Query. An application
// error or a malformed frame is answered with Response.exception and the connection is closed.
import { once } from "node:events";
import { lstat, unlink } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { Request } from "cosmjs-types/tendermint/abci/types";
import type { Application } from "../app/application.js";
import type { Logger } from "../logger.js";
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeRequest,
  encodeResponse,
  FrameDecoder,
  FrameError,
} from "./framing.js";
import { AbciHandler, type AbciHandlerOptions } from "./handler.js";

export type AbciAddress = { kind: "tcp"; host: string; port: number } | { kind: "unix"; path: string };

/** `tcp://host:port`, `host:port` or `unix://path` (`unix:///abs/path`), as CometBFT's proxy_app. */
export function parseAbciAddress(address: string): AbciAddress {
  if (address.startsWith("unix://")) {
    const path = address.slice("unix://".length);
    if (path === "") throw new Error(`invalid ABCI address ${JSON.stringify(address)}: empty socket path`);
    return { kind: "unix", path };
  }
  const m = /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:/[\]]+):(\d{1,5})$/.exec(address);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535) {
    throw new Error(
      `invalid ABCI address ${JSON.stringify(address)}: want tcp://host:port or unix:///path/to/socket`,
    );
  }
  return { kind: "tcp", host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

export interface AbciServerOptions extends AbciHandlerOptions {
  address: string;
  /** Largest request accepted (default 100 MiB, CometBFT v0.38.0's limit). */
  maxMessageBytes?: number;
}

/** Requests read ahead of the one being answered before a connection stops reading. */
const MAX_QUEUED = 256;

export class AbciServer {
  private readonly connections = new Set<Connection>();
  private tail: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closing = false;
  readonly handler: AbciHandler;
  readonly logger?: Logger;
  readonly maxMessageBytes: number;

  private constructor(
    app: Application,
    opts: AbciServerOptions,
    private readonly server: Server,
    readonly listen: AbciAddress,
  ) {
    this.handler = new AbciHandler(app, opts);
    this.logger = opts.logger;
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  static async start(app: Application, opts: AbciServerOptions): Promise<AbciServer> {
    const listen = parseAbciAddress(opts.address);
    const server = createServer({ noDelay: true });
    const abci = new AbciServer(app, opts, server, listen);
    server.on("connection", (socket) => abci.accept(socket));
    if (listen.kind === "tcp") {
      await listenOn(server, () => server.listen(listen.port, listen.host));
      const addr = server.address();
      if (addr && typeof addr === "object") listen.port = addr.port;
    } else {
      try {
        await listenOn(server, () => server.listen(listen.path));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
        const isSocket = await lstat(listen.path).then(
          (st) => st.isSocket(),
          () => false,
        );
        if (!isSocket || (await socketAlive(listen.path))) throw err;
        // A socket file left by a process that died: nobody answers on it.
        opts.logger?.warn({ path: listen.path }, "removing a stale ABCI socket file");
        await unlink(listen.path);
        await listenOn(server, () => server.listen(listen.path));
      }
    }
    server.on("error", (err) => opts.logger?.error({ err }, "ABCI server error"));
    opts.logger?.info({ address: abci.address }, "ABCI server listening");
    return abci;
  }

  /** The address served, with the port the system chose for tcp port 0. */
  get address(): string {
    if (this.listen.kind === "unix") return `unix://${this.listen.path}`;
    const { host, port } = this.listen;
    return `tcp://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }

  get port(): number | undefined {
    return this.listen.kind === "tcp" ? this.listen.port : undefined;
  }

  /** Runs an application call after every call already queued, from any connection. */
  serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => {});
    return run;
  }

  /** Stops accepting, closes every connection, and waits for the application call in flight. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.destroy();
    await closed;
    await this.tail;
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const conn = new Connection(this, socket, this.nextId++);
    this.connections.add(conn);
    socket.once("close", () => this.connections.delete(conn));
  }
}

class Connection {
  private readonly decoder: FrameDecoder;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private done = false;
  private readonly log?: Logger;

  constructor(
    private readonly server: AbciServer,
    private readonly socket: Socket,
    id: number,
  ) {
    this.decoder = new FrameDecoder(server.maxMessageBytes);
    this.log = server.logger?.child({ abciConn: id });
    this.log?.debug({ remote: socket.remoteAddress ?? "unix" }, "ABCI connection opened");
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.log?.debug({ err: err.message }, "ABCI connection error"));
    socket.on("close", () => {
      this.done = true;
      this.log?.debug("ABCI connection closed");
    });
  }

  destroy(): void {
    this.done = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.done) return;
    const { frames, error } = this.decoder.push(chunk);
    for (const body of frames) this.enqueue(() => this.answer(body));
    if (error) {
      this.socket.pause();
      this.enqueue(() => this.fail(`malformed ABCI message: ${error.message}`));
    }
  }

  /** Runs tasks in arrival order; reading pauses while too many wait. */
  private enqueue(task: () => Promise<void>): void {
    this.queued++;
    if (this.queued > MAX_QUEUED) this.socket.pause();
    this.chain = this.chain.then(async () => {
      try {
        if (!this.done) await task();
      } catch (err) {
        this.log?.error({ err }, "ABCI connection task failed");
        this.destroy();
      } finally {
        this.queued--;
        if (this.queued <= MAX_QUEUED / 4 && !this.done && this.socket.isPaused()) this.socket.resume();
      }
    });
  }

  private async answer(body: Uint8Array): Promise<void> {
    let method: keyof Request;
    let request: Request;
    try {
      ({ method, request } = decodeRequest(body));
    } catch (err) {
      if (!(err instanceof FrameError)) throw err;
      return this.fail(`malformed ABCI message: ${err.message}`);
    }
    let response: Parameters<typeof encodeResponse>[0];
    try {
      response =
        method === "echo" || method === "flush"
          ? await this.server.handler.handle(method, request)
          : await this.server.serial(() => this.server.handler.handle(method, request));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return this.fail(`${method} failed: ${message}`);
    }
    await this.write(encodeResponse(response));
  }

  /** Answers Response.exception and closes the connection (CometBFT stops on an exception). */
  private async fail(message: string): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.log?.error({ error: message }, "ABCI exception: closing the connection");
    this.socket.end(encodeResponse({ exception: { error: message } }));
  }

  private async write(bytes: Uint8Array): Promise<void> {
    if (this.done || this.socket.write(bytes)) return;
    await Promise.race([once(this.socket, "drain"), once(this.socket, "close")]);
  }
}

function listenOn(server: Server, listen: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    listen();
  });
}

/** Whether something accepts connections on a unix socket path. */
function socketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}
