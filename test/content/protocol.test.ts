// /openledger/content/1.0.0 between real libp2p hosts on 127.0.0.1 with real LevelDB stores: an
// honest fetch, not found, the size cap, and malicious peers (a corrupted chunk, a forged
// manifest) whose data is discarded with nothing stored; the background fetcher's retries.
import assert from "node:assert/strict";
import { lpStream } from "@libp2p/utils";
import { sha256 } from "@noble/hashes/sha2.js";
import { ContentFetcher } from "../../node/content/fetcher.js";
import { CHUNK_SIZE, cut, toHex } from "../../node/content/manifest.js";
import {
  BadPeerData,
  CONTENT_PROTOCOL,
  ContentNotFound,
  fetchContent,
  serveContent,
} from "../../node/content/protocol.js";
import type { P2PHost } from "../../node/p2p/host.js";
import {
  type ContentManifest,
  ContentRequest,
  ContentResponse,
  RequestKind,
  ResponseStatus,
} from "../../proto/gen/openledger/content/v1/content.js";
import { bytesOf, connect, memoryLogger, startHost, type TempStore, tempStore, until } from "./helpers.js";

const CONTENT = bytesOf(2 * CHUNK_SIZE + 777, 7);
const HASH = sha256(CONTENT);

/** Serves CONTENT as a malicious peer would: `manifest` and `chunks` as given. */
async function serveForged(host: P2PHost, manifest: ContentManifest, chunks: Uint8Array[]): Promise<void> {
  await host.libp2p.handle(CONTENT_PROTOCOL, async (stream) => {
    const lp = lpStream(stream);
    try {
      for (;;) {
        const req = ContentRequest.decode((await lp.read()).subarray());
        const base = {
          status: ResponseStatus.RESPONSE_STATUS_OK,
          manifest: undefined,
          chunk: new Uint8Array(0),
          error: "",
        };
        const res =
          req.kind === RequestKind.REQUEST_KIND_MANIFEST
            ? { ...base, manifest }
            : { ...base, chunk: chunks[req.index]! };
        await lp.write(ContentResponse.encode(res).finish());
      }
    } catch {
      await stream.close().catch(() => {});
    }
  });
}

describe("content protocol /openledger/content/1.0.0", () => {
  let a: P2PHost;
  let b: P2PHost;
  let storeA: TempStore;
  let storeB: TempStore;
  const opened: P2PHost[] = [];
  beforeEach(async () => {
    [a, b, storeA, storeB] = await Promise.all([startHost(), startHost(), tempStore(), tempStore()]);
    await serveContent(a.libp2p, storeA.store);
    await serveContent(b.libp2p, storeB.store);
  });
  afterEach(async () => {
    for (const h of [a, b, ...opened.splice(0)]) await h.stop();
    await storeA.close();
    await storeB.close();
  });

  it("a peer fetches content stored on another, each chunk and the whole verified", async () => {
    await storeA.store.put(CONTENT);
    await connect(b, a);
    const got = await fetchContent(b.libp2p, a.libp2p.peerId, HASH, {
      maxBytes: storeB.store.maxContentBytes,
      expectedSize: BigInt(CONTENT.length),
    });
    assert.equal(toHex(sha256(got)), toHex(HASH));
    assert.equal(got.length, CONTENT.length);
  });

  it("answers not found for content the peer does not hold", async () => {
    await connect(b, a);
    await assert.rejects(
      fetchContent(b.libp2p, a.libp2p.peerId, sha256(bytesOf(10)), { maxBytes: 1 << 20 }),
      ContentNotFound,
    );
  });

  it("refuses a manifest over the fetcher's size cap or of another size than declared", async () => {
    await storeA.store.put(CONTENT);
    await connect(b, a);
    await assert.rejects(
      fetchContent(b.libp2p, a.libp2p.peerId, HASH, { maxBytes: CHUNK_SIZE }),
      (e: Error) => e instanceof BadPeerData && /over the cap of 262144 bytes/.test(e.message),
    );
    await assert.rejects(
      fetchContent(b.libp2p, a.libp2p.peerId, HASH, { maxBytes: 1 << 24, expectedSize: 5n }),
      (e: Error) => e instanceof BadPeerData && /differs from the declared size 5/.test(e.message),
    );
  });

  it("rejects a corrupted chunk and a forged manifest; the fetcher stores nothing from them", async () => {
    const { manifest, chunks } = cut(CONTENT);
    const corrupted = Uint8Array.from(CONTENT);
    corrupted[CHUNK_SIZE + 5]! ^= 0xff;
    const bad = await startHost();
    const forger = await startHost();
    opened.push(bad, forger);
    await serveForged(bad, manifest, cut(corrupted).chunks); // chunk 1 fails its manifest hash
    const forged = cut(corrupted);
    await serveForged(forger, forged.manifest, forged.chunks); // consistent, but not HASH
    await connect(b, bad);
    await connect(b, forger);
    await assert.rejects(
      fetchContent(b.libp2p, bad.libp2p.peerId, HASH, { maxBytes: 1 << 24 }),
      (e: Error) => e instanceof BadPeerData && /chunk 1 does not match its sha256/.test(e.message),
    );
    await assert.rejects(
      fetchContent(b.libp2p, forger.libp2p.peerId, HASH, { maxBytes: 1 << 24 }),
      (e: Error) => e instanceof BadPeerData && /forged manifest/.test(e.message),
    );
    assert.equal(chunks.length, 3);

    // The background fetcher asks both, discards their data with a warning, stores nothing, and
    // retries: once an honest peer connects, it fetches from it.
    const { logger, lines } = memoryLogger();
    const fetcher = new ContentFetcher(storeB.store, b.libp2p, logger, { minRetryMs: 60_000 });
    try {
      fetcher.want(HASH, BigInt(CONTENT.length));
      await until(
        () => lines.some((l) => l.msg === "content not available from connected peers yet"),
        "a round",
      );
      const discarded = lines.filter(
        (l) => l.msg === "discarded content from a peer: it failed verification",
      );
      assert.deepEqual(
        discarded.map((l) => l.peer).sort(),
        [bad.libp2p.peerId.toString(), forger.libp2p.peerId.toString()].sort(),
      );
      assert.ok(discarded.every((l) => l.content === toHex(HASH)));
      assert.equal(await storeB.store.has(HASH), false, "nothing stored");
      assert.equal(fetcher.pending, 1);

      await storeA.store.put(CONTENT);
      await connect(b, a); // peer:connect makes the retry due now, not in 60 s
      await fetcher.idle();
      assert.equal(toHex((await storeB.store.get(HASH)) ?? new Uint8Array(0)), toHex(CONTENT));
      const fetched = lines.find((l) => l.msg === "content fetched and verified");
      assert.equal(fetched?.peer, a.libp2p.peerId.toString());
      assert.equal(fetched?.bytes, CONTENT.length);
    } finally {
      fetcher.stop();
    }
  });

  it("the fetcher skips content declared over its cap", async () => {
    const { logger, lines } = memoryLogger();
    const fetcher = new ContentFetcher(storeB.store, b.libp2p, logger);
    fetcher.want(HASH, BigInt(storeB.store.maxContentBytes) + 1n);
    assert.equal(fetcher.pending, 0);
    assert.ok(lines.some((l) => l.msg === "content over the store's size cap: not fetched"));
    fetcher.stop();
  });
});
