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
import { BodyTooLargeError, readBodyText, sendJson } from "../rpc/http-body.js";
import type { HttpRoute } from "../rpc/server.js";
import type { Facilitator } from "./facilitator.js";

export const X402_PATH = "/x402/";
const MAX_BODY_BYTES = 64 * 1024;

export function facilitatorRoute(facilitator: Facilitator): HttpRoute {
  return { prefix: X402_PATH, handle: (req, res) => handle(facilitator, req, res) };
}

async function handle(f: Facilitator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname.slice(X402_PATH.length);
  const post = path === "verify" || path === "settle";
  if (!post && path !== "supported")
    return sendJson(res, 404, { error: `no ${X402_PATH}${path}: want verify, settle or supported` });
  const method = post ? "POST" : "GET";
  if (req.method !== method) {
    res.setHeader("Allow", method);
    return sendJson(res, 405, { error: `${X402_PATH}${path} takes ${method}` });
  }
  if (!post) return sendJson(res, 200, await f.supported());
  let body: unknown;
  try {
    body = JSON.parse(await readBodyText(req, MAX_BODY_BYTES));
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      res.setHeader("Connection", "close");
      return sendJson(res, 413, { error: `the body is over ${MAX_BODY_BYTES} bytes` });
    }
    return sendJson(res, 400, { error: REASONS.payload, message: "the body is not JSON" });
  }
  return sendJson(res, 200, path === "verify" ? f.verify(body) : await f.settle(body));
}
