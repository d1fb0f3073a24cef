// The block explorer (explorer/, built by Vite into explorer/dist) served by the RPC server:
//
//   GET|HEAD /explorer/            index.html
//   GET|HEAD /explorer/<file>      a built file (assets/ names carry content hashes: cached for good)
//   GET      /explorer             301 to /explorer/
//
// Only files inside the dist folder are served (no "..", no encoded separators, no dot files);
// anything else is 404, other methods 405. Text files are gzipped when the client accepts it
// (compressed once, kept in memory). When the page was never built, 503 says how to build it.
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { HttpRoute } from "../rpc/server.js";

export const EXPLORER_PATH = "/explorer/";
export const DEFAULT_EXPLORER_DIST = fileURLToPath(new URL("../../explorer/dist/", import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".map", ".txt"]);
// The page talks only to this node: its JSON-RPC, /websocket and /content/ (same origin).
const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy":
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  "Referrer-Policy": "no-referrer",
};
const gzipAsync = promisify(gzip);

/** The file under `root` that `pathname` (below /explorer/) names, or undefined if it names none. */
export function explorerFile(root: string, pathname: string): string | undefined {
  if (!pathname.startsWith(EXPLORER_PATH)) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(pathname.slice(EXPLORER_PATH.length));
  } catch {
    return undefined;
  }
  if (rel === "") rel = "index.html";
  const parts = rel.split("/");
  if (rel.includes("\\") || rel.includes("\0") || parts.some((p) => p === "" || p.startsWith(".")))
    return undefined;
  const base = resolve(root);
  const file = resolve(base, ...parts);
  return file.startsWith(base + sep) ? file : undefined;
}

function plain(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function explorerRoute(distDir: string = DEFAULT_EXPLORER_DIST): HttpRoute {
  const gzipped = new Map<string, Buffer>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname === "/explorer") {
      plain(res, 301, "moved to /explorer/\n", { Location: EXPLORER_PATH });
      return;
    }
    if (!pathname.startsWith(EXPLORER_PATH)) {
      plain(res, 404, "not found\n");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      plain(res, 405, `HTTP method ${req.method} not allowed on ${EXPLORER_PATH}\n`, { Allow: "GET, HEAD" });
      return;
    }
    const file = explorerFile(distDir, pathname);
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) {
      const built = await stat(join(distDir, "index.html")).catch(() => undefined);
      if (!built)
        plain(res, 503, "the explorer is not built: run `npm run build:explorer` (npm install runs it)\n");
      else plain(res, 404, `no ${pathname} in the explorer\n`);
      return;
    }
    const ext = extname(file);
    const immutable = file.startsWith(resolve(distDir, "assets") + sep);
    let body: Buffer = await readFile(file);
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      "Content-Type": CONTENT_TYPES[ext] ?? "application/octet-stream",
      "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
      Vary: "Accept-Encoding",
    };
    if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
      const key = `${file}:${info.mtimeMs}:${info.size}`;
      let zipped = gzipped.get(key);
      if (!zipped) {
        if (gzipped.size >= 64) gzipped.clear(); // files of older builds
        zipped = await gzipAsync(body);
        gzipped.set(key, zipped);
      }
      body = zipped;
      headers["Content-Encoding"] = "gzip";
    }
    headers["Content-Length"] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  };
  return { prefix: "/explorer", handle };
}
