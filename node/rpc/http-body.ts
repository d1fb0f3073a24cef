// Small HTTP helpers shared by the node's extra routes and servers (x402 facilitator, serve-model,
// light proxy): read a request body up to a cap, and answer JSON with its length.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

/** The request body was over the cap (the caller answers 413 or its protocol's equivalent). */
export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the body is over ${maxBytes} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** The whole body as UTF-8 text; stops reading and throws BodyTooLargeError past `maxBytes`. */
export async function readBodyText(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
