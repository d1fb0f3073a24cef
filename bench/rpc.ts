// JSON-RPC to the node over keep-alive HTTP: single calls, batches, abci_query.
import { Agent, request } from "node:http";
import { fromBase64 } from "@cosmjs/encoding";

export const MAX_RPC_BATCH = 100;

export class Rpc {
  readonly agent: Agent;
  private id = 0;

  constructor(
    readonly port: number,
    conns: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: conns + 2 });
  }

  /** POSTs a body; retried once when the server had already closed the idle keep-alive socket. */
  async post(body: string, path = "/"): Promise<string> {
    try {
      return await this.postOnce(body, path);
    } catch (err) {
      if ((err as { reusedSocket?: boolean }).reusedSocket) return this.postOnce(body, path);
      throw err;
    }
  }

  private postOnce(body: string, path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: this.port,
          path,
          method: "POST",
          agent: this.agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
          res.on("error", reject);
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => {
        // The node docs' advice: a reset on a reused idle socket happened before the server read it.
        if (req.reusedSocket && err.code === "ECONNRESET") Object.assign(err, { reusedSocket: true });
        reject(err);
      });
      req.end(body);
    });
  }

  async call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const reply = JSON.parse(
      await this.post(JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params })),
    );
    if (reply.error) throw new Error(`${method}: ${reply.error.message} ${reply.error.data ?? ""}`);
    return reply.result as T;
  }

  /** Several calls in JSON-RPC batches of at most MAX_RPC_BATCH; results in order. */
  async batch<T = unknown>(calls: { method: string; params: Record<string, unknown> }[]): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < calls.length; i += MAX_RPC_BATCH) {
      const chunk = calls.slice(i, i + MAX_RPC_BATCH);
      const base = this.id;
      this.id += chunk.length;
      const body = JSON.stringify(chunk.map((c, j) => ({ jsonrpc: "2.0", id: base + j, ...c })));
      const replies = JSON.parse(await this.post(body)) as {
        id: number;
        result?: T;
        error?: { message: string };
      }[];
      replies.sort((a, b) => a.id - b.id);
      for (const r of replies) {
        if (r.error) throw new Error(`batch call failed: ${r.error.message}`);
        out.push(r.result as T);
      }
    }
    return out;
  }

  async abciQuery(path: string, data: Uint8Array): Promise<Uint8Array> {
    const r = await this.call<{ response: { code: number; log: string; value: string | null } }>(
      "abci_query",
      {
        path,
        data: Buffer.from(data).toString("hex"),
      },
    );
    if (r.response.code !== 0) throw new Error(`abci_query ${path}: ${r.response.log}`);
    return fromBase64(r.response.value ?? "");
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface BroadcastResult {
  code: number;
  log: string;
  hash: string;
}
