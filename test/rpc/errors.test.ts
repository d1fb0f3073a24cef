// Raw HTTP: bad input gets the right JSON-RPC error and the server stays up; URI form; CORS.
import assert from "node:assert/strict";
import { request } from "node:http";
import { sha256 } from "@noble/hashes/sha2.js";
import { type RpcServer, startRpcServer } from "../../node/rpc/server.js";
import { makeTx, TestBackend } from "./fixture.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON
type Json = any;

describe("rpc server: raw HTTP, errors and URI form", () => {
  let backend: TestBackend;
  let server: RpcServer;
  let base: string;
  const tx = makeTx("uri tx");

  before(async () => {
    backend = await TestBackend.create();
    await backend.produceBlock([]);
    await backend.produceBlock([tx]);
    server = await startRpcServer({ laddr: "tcp://127.0.0.1:0", backend, cors: true, maxBodyBytes: 10_000 });
    base = `http://127.0.0.1:${server.port}`;
  });

  after(async () => {
    await server?.close();
    await backend?.destroy();
  });

  const post = async (body: string) => {
    const res = await fetch(base, { method: "POST", body, headers: { "Content-Type": "application/json" } });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Json) : undefined, headers: res.headers };
  };
  const call = (method: string, params?: unknown, id: unknown = 1) =>
    post(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, json: (await res.json()) as Json };
  };
  const alive = async () => assert.equal((await call("health")).json.result && true, true);

  it("malformed JSON → -32700", async () => {
    const r = await post("{nope");
    assert.equal(r.json.error.code, -32700);
    assert.equal(r.json.id, null);
    await alive();
  });

  it("invalid requests → -32600", async () => {
    assert.equal((await post("42")).json.error.code, -32600);
    assert.equal((await post("[]")).json.error.code, -32600);
    assert.equal(
      (await post(JSON.stringify({ jsonrpc: "1.0", id: 1, method: "status" }))).json.error.code,
      -32600,
    );
    assert.equal(
      (await post(JSON.stringify({ jsonrpc: "2.0", id: {}, method: "status" }))).json.error.code,
      -32600,
    );
    assert.equal((await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: 5 }))).json.error.code, -32600);
    await alive();
  });

  it("unknown method → -32601, keeps the id", async () => {
    const r = await call("no_such_method", {}, "abc");
    assert.equal(r.json.error.code, -32601);
    assert.equal(r.json.id, "abc");
    assert.equal((await call("__proto__")).json.error.code, -32601);
  });

  it("bad params → -32602 with a clear message", async () => {
    for (const h of ["abc", "0", -5, 1.5, "99999999999999999999999", true]) {
      const r = await call("block", { height: h });
      assert.equal(r.json.error.code, -32602, `height ${JSON.stringify(h)}`);
      assert.equal(r.json.error.message, "Invalid params");
      assert.match(r.json.error.data, /height/);
    }
    const b64 = await call("broadcast_tx_sync", { tx: "not base64!!" });
    assert.equal(b64.json.error.code, -32602);
    assert.match(b64.json.error.data, /tx: expected standard base64/);
    assert.equal((await call("broadcast_tx_sync", {})).json.error.code, -32602);
    assert.equal((await call("abci_query", { path: "/x", data: "zz" })).json.error.code, -32602);
    const q = await call("tx_search", { query: "tx.height >> 5" });
    assert.equal(q.json.error.code, -32602);
    assert.match(q.json.error.data, /failed to parse query/);
    const page = await call("tx_search", { query: "tx.height=2", page: "7" });
    assert.match(page.json.error.data, /page should be within \[1, 1\] range, given 7/);
    assert.equal((await call("tx_search", { query: "tx.height=2", order_by: "up" })).json.error.code, -32602);
    assert.equal((await call("block", "notparams")).json.error.code, -32602);
    await alive();
  });

  it("backend/state errors → -32603", async () => {
    const r = await call("block", { height: "50" });
    assert.equal(r.json.error.code, -32603);
    assert.match(
      r.json.error.data,
      /height 50 must be less than or equal to the current blockchain height 2/,
    );
    const t = await call("tx", { hash: Buffer.alloc(32).toString("base64") });
    assert.match(t.json.error.data, /tx \(0{64}\) not found/);
  });

  it("huge body → 413 / -32600, server stays up", async () => {
    const big = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "status",
      params: { pad: "x".repeat(50_000) },
    });
    const r = await post(big);
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, -32600);
    // chunked upload without Content-Length
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/`, { method: "POST" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 30; i++) req.write("x".repeat(1000));
      req.end();
    });
    assert.equal(status, 413);
    await alive();
  });

  it("batch requests, notifications get no reply", async () => {
    const r = await post(
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "health" },
        { jsonrpc: "2.0", method: "health" },
        { jsonrpc: "2.0", id: 3, method: "nope" },
      ]),
    );
    assert.equal(r.json.length, 2);
    assert.deepEqual(r.json[0], { jsonrpc: "2.0", id: 1, result: {} });
    assert.equal(r.json[1].error.code, -32601);
    const n = await post(JSON.stringify({ jsonrpc: "2.0", method: "health" }));
    assert.equal(n.status, 200);
    assert.equal(n.json, undefined);
  });

  it("positional params", async () => {
    const r = await call("block", ["1"]);
    assert.equal(r.json.result.block.header.height, "1");
  });

  it("URI form: /status, /block?height=, quoted strings, 0x bytes", async () => {
    const s = await get("/status");
    assert.equal(s.json.id, -1);
    assert.equal(s.json.result.sync_info.latest_block_height, "2");
    assert.equal((await get("/block?height=1")).json.result.block.header.height, "1");
    assert.equal((await get('/block?height="2"')).json.result.block.header.height, "2");
    assert.equal((await get("/block?height=x")).json.error.code, -32602);
    const hash = Buffer.from(sha256(tx)).toString("hex");
    const byHash = await get(`/tx?hash=0x${hash}`);
    assert.equal(byHash.json.result.hash, hash.toUpperCase());
    const search = await get(`/tx_search?query=${encodeURIComponent('"tx.height=2"')}`);
    assert.equal(search.json.result.total_count, "1");
    const unquoted = await get("/tx_search?query=tx.height=2");
    assert.equal(unquoted.json.error.code, -32602);
    assert.match(unquoted.json.error.data, /must be quoted/);
    const q = await get('/abci_query?path="/a"&data=0x0102');
    assert.equal(q.json.result.response.value, Buffer.from([2, 1]).toString("base64"));
    const unknown = await get("/nope");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, -32601);
    const index = await fetch(`${base}/`);
    assert.match(await index.text(), /\/block\?height=_/);
  });

  it("CORS: preflight and headers", async () => {
    const pre = await fetch(base, {
      method: "OPTIONS",
      headers: { Origin: "http://example.com", "Access-Control-Request-Method": "POST" },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    assert.match(pre.headers.get("access-control-allow-headers") ?? "", /Content-Type/);
    const r = await call("health");
    assert.equal(r.headers.get("access-control-allow-origin"), "*");
  });

  it("a failing backend method → -32603, server keeps serving", async () => {
    const orig = backend.abciInfo;
    backend.abciInfo = async () => {
      throw new Error("boom");
    };
    try {
      const r = await call("abci_info");
      assert.equal(r.json.error.code, -32603);
      assert.equal(r.json.error.data, "boom");
    } finally {
      backend.abciInfo = orig;
    }
    await alive();
  });
});
