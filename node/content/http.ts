// HTTP access to the content store, served by the RPC server under /content/:
//
//   PUT  /content/<sha256 hex>   body = the bytes. Taken only when a committed contribution that is
//                                still PENDING or APPROVED declares this sha256 and the body's size
//                                (the contributor pushes after its MsgContribute commits).
//                                201 stored · 200 already held · 400 bad hash / size / bytes ·
//                                403 no such contribution · 413 over the store's cap
//   GET  /content/<sha256 hex>   200 the bytes (application/octet-stream) · 404 not held here
//   HEAD /content/<sha256 hex>   as GET, without the body
//
// Errors answer JSON {"error": "…"}; a push answers {"sha256", "size", "stored"}.
import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger.js";
import type { HttpRoute } from "../rpc/server.js";
import type { ArtifactsView } from "./artifacts.js";
import { ContentError, parseHashHex, toHex } from "./manifest.js";
import { type DatanetsView, wantsContent } from "./references.js";
import type { ContentStore } from "./store.js";

export const CONTENT_PATH = "/content/";

export interface ContentHttpDeps {
  store: ContentStore;
  view: Pick<DatanetsView, "byContentHash">;
  /** Registered model artifacts are taken from a push too. */
  artifacts?: Pick<ArtifactsView, "sizeOf">;
  logger?: Logger;
}

class TooLarge extends Error {}

export function contentRoute(deps: ContentHttpDeps): HttpRoute {
  return { prefix: CONTENT_PATH, handle: (req, res) => handle(deps, req, res) };
}

function json(res: ServerResponse, status: number, body: unknown, req?: IncomingMessage): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  if (req && !req.readableEnded) {
    // The body was not read: close the connection rather than read what was refused.
    res.setHeader("Connection", "close");
    res.on("finish", () => req.destroy());
  }
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

async function handle(deps: ContentHttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  const hash = parseHashHex(path.slice(CONTENT_PATH.length));
  if (!hash) {
    json(
      res,
      400,
      { error: `want ${CONTENT_PATH}<sha256 of the content as 64 hex digits>, got ${path}` },
      req,
    );
    return;
  }
  if (req.method === "GET" || req.method === "HEAD") return serve(deps.store, hash, req, res);
  if (req.method === "PUT") return push(deps, hash, req, res);
  res.setHeader("Allow", "GET, HEAD, PUT, OPTIONS");
  json(res, 405, { error: `HTTP method ${req.method} not allowed on ${CONTENT_PATH}` }, req);
}

async function serve(store: ContentStore, hash: Uint8Array, req: IncomingMessage, res: ServerResponse) {
  const manifest = await store.manifest(hash);
  if (!manifest) {
    json(res, 404, { error: `content ${toHex(hash)} is not held by this node` });
    return;
  }
  res.writeHead(200, {
    "Content-Type": "application/octet-stream",
    "Content-Length": manifest.size.toString(),
    ETag: `"${toHex(hash)}"`,
    "Cache-Control": "public, max-age=31536000, immutable",
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  try {
    for await (const chunk of store.chunks(hash)) {
      if (!res.write(chunk)) await once(res, "drain");
    }
  } catch (err) {
    res.destroy(); // the status line is out: cut the body short rather than end it as if whole
    throw err;
  }
  res.end();
}

async function push(deps: ContentHttpDeps, hash: Uint8Array, req: IncomingMessage, res: ServerResponse) {
  const { store, view, logger } = deps;
  const hex = toHex(hash);
  const cap = store.maxContentBytes;
  if (await store.has(hash)) {
    const m = await store.manifest(hash);
    json(res, 200, { sha256: hex, size: Number(m?.size ?? 0n), stored: false }, req);
    return;
  }
  const sizes = new Set(
    view
      .byContentHash(hash)
      .filter(wantsContent)
      .map((c) => c.size),
  );
  const artifactSize = deps.artifacts?.sizeOf(hash);
  if (artifactSize !== undefined) sizes.add(artifactSize);
  if (sizes.size === 0) {
    json(
      res,
      403,
      {
        error:
          `no pending or approved contribution or registered model on chain declares sha256 ${hex}: ` +
          "submit MsgContribute (or MsgRegisterModel) with this hash and size, then push once it is committed",
      },
      req,
    );
    return;
  }
  const declared = [...sizes].sort((a, b) => (a < b ? -1 : 1));
  const largest = declared[declared.length - 1]!;
  const length = req.headers["content-length"];
  if (length !== undefined && Number(length) > cap) {
    json(res, 413, { error: `content is ${length} bytes, this node stores at most ${cap}` }, req);
    return;
  }
  if (length !== undefined && !sizes.has(BigInt(length))) {
    json(
      res,
      400,
      { error: `body is ${length} bytes, the contribution declares ${declared.join(" or ")}` },
      req,
    );
    return;
  }
  const limit = Math.min(cap, Number(largest));
  let body: Uint8Array;
  try {
    body = await readBody(req, limit);
  } catch (err) {
    if (!(err instanceof TooLarge)) throw err;
    if (limit === cap)
      json(res, 413, { error: `content is over ${cap} bytes, the most this node stores` }, req);
    else json(res, 400, { error: `body is over ${limit} bytes, the declared size` }, req);
    return;
  }
  if (!sizes.has(BigInt(body.length))) {
    json(res, 400, {
      error: `body is ${body.length} bytes, the contribution declares ${declared.join(" or ")}`,
    });
    return;
  }
  try {
    await store.put(body, hash);
  } catch (err) {
    if (!(err instanceof ContentError)) throw err;
    json(res, err.reason === "too_large" ? 413 : 400, { error: err.message });
    return;
  }
  logger?.info({ content: hex, bytes: body.length }, "content pushed over HTTP and stored");
  json(res, 201, { sha256: hex, size: body.length, stored: true });
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => {
      const all = Buffer.concat(chunks);
      resolve(new Uint8Array(all.buffer, all.byteOffset, all.length));
    });
    req.on("error", reject);
  });
}
