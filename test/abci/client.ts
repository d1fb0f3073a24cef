// A raw ABCI socket client for tests: writes length-delimited cosmjs-types Requests (its own uvarint
// framing, independent of node/abci/framing.ts) and reads Responses off the stream in order.
import { createConnection, type Socket } from "node:net";
import type { DeepPartial } from "cosmjs-types/helpers";
import { Request, Response } from "cosmjs-types/tendermint/abci/types";

/** A Request with any field left out (filled with its default when encoded). */
export type PartialRequest = DeepPartial<Request>;

export function uvarint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** uvarint length ‖ Request.encode(req). */
export function delimited(req: PartialRequest): Uint8Array {
  const body = Request.encode(Request.fromPartial(req)).finish();
  return Buffer.concat([uvarint(body.length), body]);
}

export class RawClient {
  private buf = Buffer.alloc(0);
  private readonly responses: Response[] = [];
  private waiters: { resolve(r: Response): void; reject(e: Error): void }[] = [];
  private closedFlag = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => {});
    this.closed = new Promise((resolve) =>
      socket.once("close", () => {
        this.closedFlag = true;
        for (const w of this.waiters) w.reject(new Error("connection closed before a response"));
        this.waiters = [];
        resolve();
      }),
    );
  }

  static connect(to: { port: number } | { path: string }): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s =
        "port" in to ? createConnection({ host: "127.0.0.1", port: to.port }) : createConnection(to.path);
      s.once("connect", () => resolve(new RawClient(s)));
      s.once("error", reject);
    });
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  send(...reqs: PartialRequest[]): void {
    this.write(Buffer.concat(reqs.map(delimited)));
  }

  /** The next response on the stream. */
  next(timeoutMs = 10_000): Promise<Response> {
    const r = this.responses.shift();
    if (r) return Promise.resolve(r);
    if (this.closedFlag) return Promise.reject(new Error("connection closed before a response"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no response in time")), timeoutMs);
      this.waiters.push({
        resolve: (x) => {
          clearTimeout(timer);
          resolve(x);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  async call(req: PartialRequest): Promise<Response> {
    this.send(req);
    return this.next();
  }

  /** Bytes received and not yet read as a whole response. */
  get leftover(): number {
    return this.buf.length;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      let len = 0;
      let i = 0;
      for (; i < this.buf.length; i++) {
        len += (this.buf[i]! & 0x7f) * 2 ** (7 * i);
        if (this.buf[i]! < 0x80) break;
      }
      if (i >= this.buf.length || this.buf.length < i + 1 + len) return;
      const res = Response.decode(this.buf.subarray(i + 1, i + 1 + len));
      this.buf = this.buf.subarray(i + 1 + len);
      const w = this.waiters.shift();
      if (w) w.resolve(res);
      else this.responses.push(res);
    }
  }
}

/** The oneof field a Response sets. */
export function kind(res: Response): string {
  const set = Object.entries(res).filter(([, v]) => v !== undefined);
  if (set.length !== 1) throw new Error(`response sets ${set.length} fields`);
  return set[0]![0];
}
