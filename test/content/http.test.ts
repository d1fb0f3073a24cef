// PUT / GET /content/<sha256> on a real RPC server over a real app: a push is taken only for a
// committed pending or approved contribution's hash and size (201, then 200), refused with a
// clear JSON error otherwise (400, 403, 413); then a peer fetches the pushed content over libp2p.
import assert from "node:assert/strict";
import { request } from "node:http";
import { sha256 } from "@noble/hashes/sha2.js";
import { contentRoute } from "../../node/content/http.js";
import { CHUNK_SIZE, toHex } from "../../node/content/manifest.js";
import { fetchContent, serveContent } from "../../node/content/protocol.js";
import { DatanetsView } from "../../node/content/references.js";
import { signer } from "../app/helpers.js";
import { contribute, create, withdraw } from "../datanets/helpers.js";
import { bigState, bytesOf, ChainNode, connect, httpServer, startHost, tempStore } from "./helpers.js";

const CONTENT = bytesOf(CHUNK_SIZE + 1000, 3);
const HASH = sha256(CONTENT);
const WITHDRAWN = bytesOf(500, 4);

/** A PUT sent chunked (no Content-Length), as a streaming client sends it. */
function putChunked(url: string, body: Uint8Array): Promise<{ status: number; json: { error?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "PUT" }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(parts).toString()) }),
      );
    });
    req.on("error", reject);
    for (let at = 0; at < body.length; at += 4096) req.write(body.subarray(at, at + 4096));
    req.end();
  });
}

describe("content over HTTP: PUT and GET /content/<sha256>", () => {
  let node: ChainNode;
  let server: Awaited<ReturnType<typeof httpServer>>;
  before(async () => {
    node = await ChainNode.start(bigState());
    const [alice, bob] = await Promise.all([signer("alice"), signer("bob")]);
    await node.block([await node.sign(alice, create(alice.address, { needsApproval: true }))]);
    const ref = (bytes: Uint8Array) =>
      contribute(bob.address, 1n, {
        contentHash: sha256(bytes),
        size: BigInt(bytes.length),
        mediaType: "text/csv",
      });
    const r = await node.block([await node.sign(bob, ref(CONTENT), ref(WITHDRAWN))]);
    assert.equal(r.txResults[0]!.code, 0, r.txResults[0]!.log);
    await node.block([await node.sign(bob, withdraw(bob.address, 2n))]);
    server = await httpServer(contentRoute({ store: node.store, view: new DatanetsView(node.app) }));
  });
  after(async () => {
    await server.close();
    await node.close();
  });

  const url = (hash: Uint8Array | string) =>
    `${server.url}/content/${typeof hash === "string" ? hash : toHex(hash)}`;
  const put = async (hash: Uint8Array | string, body: Uint8Array) => {
    const res = await fetch(url(hash), { method: "PUT", body });
    return {
      status: res.status,
      json: (await res.json()) as { error?: string; stored?: boolean; size?: number },
    };
  };

  it("refuses a bad path, an undeclared hash, a withdrawn contribution's, a wrong size or wrong bytes", async () => {
    let r = await put("abc", CONTENT);
    assert.equal(r.status, 400);
    assert.match(r.json.error!, /64 hex digits/);
    r = await put(sha256(Uint8Array.of(1)), Uint8Array.of(1));
    assert.equal(r.status, 403);
    assert.match(
      r.json.error!,
      /no pending or approved contribution or registered model on chain declares sha256/,
    );
    r = await put(sha256(WITHDRAWN), WITHDRAWN);
    assert.equal(r.status, 403, "its only contribution was withdrawn");
    r = await put(HASH, CONTENT.subarray(1));
    assert.equal(r.status, 400);
    assert.match(
      r.json.error!,
      new RegExp(`body is ${CONTENT.length - 1} bytes, the contribution declares ${CONTENT.length}`),
    );
    const wrong = Uint8Array.from(CONTENT);
    wrong[7]! ^= 1;
    r = await put(HASH, wrong);
    assert.equal(r.status, 400);
    assert.match(r.json.error!, /content hashes to [0-9a-f]{64}, expected/);
    const chunked = await putChunked(url(HASH), new Uint8Array(CONTENT.length + 10));
    assert.equal(chunked.status, 400);
    assert.match(chunked.json.error!, /over \d+ bytes, the declared size/);
    assert.equal(await node.store.has(HASH), false, "nothing stored");
    assert.equal((await fetch(url(HASH))).status, 404);
  });

  it("stores a pushed declared content (201), takes it again as present (200), serves it (GET, HEAD)", async () => {
    let r = await put(toHex(HASH).toUpperCase(), CONTENT);
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.deepEqual(r.json, { sha256: toHex(HASH), size: CONTENT.length, stored: true });
    r = await put(HASH, CONTENT);
    assert.equal(r.status, 200);
    assert.equal(r.json.stored, false);
    const got = await fetch(url(HASH));
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-type"), "application/octet-stream");
    assert.equal(toHex(new Uint8Array(await got.arrayBuffer())), toHex(CONTENT));
    const head = await fetch(url(HASH), { method: "HEAD" });
    assert.equal(head.headers.get("content-length"), String(CONTENT.length));
    const missing = await fetch(url(sha256(Uint8Array.of(9))));
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /not held by this node/);
    assert.equal((await fetch(url(HASH), { method: "DELETE" })).status, 405);
  });

  it("answers 413 for declared content over the node's cap, with or without Content-Length", async () => {
    const small = await tempStore(1000);
    const other = await httpServer(contentRoute({ store: small.store, view: new DatanetsView(node.app) }));
    try {
      const res = await fetch(`${other.url}/content/${toHex(HASH)}`, { method: "PUT", body: CONTENT });
      assert.equal(res.status, 413);
      assert.match(((await res.json()) as { error: string }).error, /this node stores at most 1000/);
      const chunked = await putChunked(`${other.url}/content/${toHex(HASH)}`, CONTENT);
      assert.equal(chunked.status, 413);
      assert.equal(await small.store.has(HASH), false);
    } finally {
      await other.close();
      await small.close();
    }
  });

  it("content pushed over HTTP to one node is fetched and verified by a peer over libp2p", async () => {
    const [a, b] = await Promise.all([startHost(), startHost()]);
    const storeB = await tempStore();
    try {
      await serveContent(a.libp2p, node.store);
      await connect(b, a);
      const got = await fetchContent(b.libp2p, a.libp2p.peerId, HASH, {
        maxBytes: 1 << 26,
        expectedSize: BigInt(CONTENT.length),
      });
      await storeB.store.put(got, HASH);
      assert.equal(toHex((await storeB.store.get(HASH))!), toHex(CONTENT));
    } finally {
      await a.stop();
      await b.stop();
      await storeB.close();
    }
  });
});
