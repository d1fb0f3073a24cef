// A small tampering HTTP proxy for light-client tests: forwards JSON-RPC POSTs to a real node and
// lets the test rewrite each result before it is passed on.
import { createServer, type Server } from "node:http";

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC bodies being rewritten
export type Json = any;
export type Tamper = (method: string, result: Json) => void;

/** Forwards JSON-RPC POSTs to `target`, letting `tamper` rewrite each result. */
export async function startProxy(target: string, state: { tamper?: Tamper }): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const upstream = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const json = (await upstream.json()) as Json;
    const method = JSON.parse(body).method as string;
    if (json.result && state.tamper) state.tamper(method, json.result);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(json));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return server;
}

export const flipB64 = (s: string, at = 0) => {
  const b = Buffer.from(s, "base64");
  b[Math.min(at, b.length - 1)]! ^= 1;
  return b.toString("base64");
};
