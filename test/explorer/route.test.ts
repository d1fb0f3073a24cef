// node/explorer/route.ts: the built explorer served under /explorer/ with its content types,
// gzip when accepted, 301 for /explorer, 404 for what is not a file of the build (traversal,
// encoded separators, dot files), 405 for other methods and 503 when the page was never built.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { explorerFile, explorerRoute } from "../../node/explorer/route.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw request: the path goes out exactly as given (no URL normalization). */
function get(
  port: number,
  path: string,
  method = "GET",
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("explorer route (node/explorer/route.ts)", () => {
  let root: string;
  let dist: string;
  let server: Server;
  let port: number;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "openledger-explorer-route-"));
    dist = join(root, "dist");
    mkdirSync(join(dist, "assets"), { recursive: true });
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>explorer</title>");
    writeFileSync(join(dist, "assets", "index-abc.js"), `console.log(${JSON.stringify("x".repeat(2000))});`);
    writeFileSync(join(dist, "assets", "index-abc.css"), "body{margin:0}");
    writeFileSync(join(dist, ".secret"), "dot file");
    writeFileSync(join(root, "secret.txt"), "outside the build");
    const route = explorerRoute(dist);
    server = createServer((req, res) => {
      void route.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });

  it("serves index.html at /explorer/ and redirects /explorer there", async () => {
    const index = await get(port, "/explorer/");
    assert.equal(index.status, 200);
    assert.equal(index.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(index.headers["cache-control"], "no-cache");
    assert.equal(index.headers["x-content-type-options"], "nosniff");
    assert.match(String(index.headers["content-security-policy"]), /default-src 'self'/);
    assert.match(index.body.toString(), /<title>explorer<\/title>/);
    const moved = await get(port, "/explorer");
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.location, "/explorer/");
  });

  it("serves built assets with their content types, cached for good, gzipped when accepted", async () => {
    const js = await get(port, "/explorer/assets/index-abc.js");
    assert.equal(js.status, 200);
    assert.equal(js.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(js.headers["cache-control"], "public, max-age=31536000, immutable");
    const css = await get(port, "/explorer/assets/index-abc.css");
    assert.equal(css.headers["content-type"], "text/css; charset=utf-8");
    const zipped = await get(port, "/explorer/assets/index-abc.js", "GET", { "Accept-Encoding": "gzip, br" });
    assert.equal(zipped.headers["content-encoding"], "gzip");
    assert.ok(zipped.body.length < js.body.length);
    assert.deepEqual(gunzipSync(zipped.body), js.body);
    const head = await get(port, "/explorer/assets/index-abc.js", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], String(js.body.length));
    assert.equal(head.body.length, 0);
  });

  it("answers 404 for anything that is not a file of the build", async () => {
    for (const path of [
      "/explorer/nope.js",
      "/explorer/assets/",
      "/explorer/%2e%2e/secret.txt",
      "/explorer/..%2fsecret.txt",
      "/explorer/assets/..%2F..%2Fsecret.txt",
      "/explorer/.secret",
      "/explorer/assets/%00.js",
      "/explorer/%E0%A4%A",
      "/explorerx",
    ]) {
      const r = await get(port, path);
      assert.equal(r.status, 404, path);
      assert.ok(!r.body.toString().includes("outside the build"), path);
    }
    assert.equal(explorerFile(dist, "/explorer/../secret.txt"), undefined);
    assert.equal(explorerFile(dist, "/explorer/a\\..\\..\\secret.txt"), undefined);
    assert.equal(explorerFile(dist, "/explorer/"), join(dist, "index.html"));
  });

  it("refuses other methods with 405, and says how to build when there is no build", async () => {
    const post = await get(port, "/explorer/", "POST");
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, "GET, HEAD");
    const bare = explorerRoute(join(root, "never-built"));
    const other = createServer((req, res) => void bare.handle(req, res));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    try {
      const r = await get((other.address() as AddressInfo).port, "/explorer/");
      assert.equal(r.status, 503);
      assert.match(r.body.toString(), /npm run build:explorer/);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });
});
