// The facilitator's HTTP surface, served by the RPC server under /x402/ (x402 v2 section 7):
//
//   POST /x402/verify     {x402Version?, paymentPayload, paymentRequirements} → VerifyResponse
//   POST /x402/settle     the same, + inferenceOutput for model payments     → SettleResponse
//   GET  /x402/supported  → SupportedResponse
//
// A refusal is a 200 with isValid / success false and the specification's reason; 400 only for a
// body that is not JSON, 404 / 405 for other paths and methods, 413 for bodies over 64 KiB.
import type { IncomingMessage, ServerResponse } from "node:http";
import { REASONS } from "../../client/x402/types.js";
import type { HttpRoute } from "../rpc/server.js";
import type { Facilitator } from "./facilitator.js";

export const X402_PATH = "/x402/";
const MAX_BODY_BYTES = 64 * 1024;

class TooLarge extends Error {}

export function facilitatorRoute(facilitator: Facilitator): HttpRoute {
  return { prefix: X402_PATH, handle: (req, res) => handle(facilitator, req, res) };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function handle(f: Facilitator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname.slice(X402_PATH.length);
  const post = path === "verify" || path === "settle";
  if (!post && path !== "supported")
    return json(res, 404, { error: `no ${X402_PATH}${path}: want verify, settle or supported` });
  const method = post ? "POST" : "GET";
  if (req.method !== method) {
    res.setHeader("Allow", method);
    return json(res, 405, { error: `${X402_PATH}${path} takes ${method}` });
  }
  if (!post) return json(res, 200, await f.supported());
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (err) {
    if (err instanceof TooLarge) {
      res.setHeader("Connection", "close");
      return json(res, 413, { error: `the body is over ${MAX_BODY_BYTES} bytes` });
    }
    return json(res, 400, { error: REASONS.payload, message: "the body is not JSON" });
  }
  return json(res, 200, path === "verify" ? f.verify(body) : await f.settle(body));
}
