// /openledger/content/1.0.0: nodes fetch content from each other by sha256.
//
// Framing: each message is an unsigned-varint length followed by that many bytes of protobuf
// (openledger.content.v1.ContentRequest / ContentResponse), as @libp2p/utils' lpStream writes
// them (the framing of libp2p's own identify and kad protocols). The dialer opens one stream per
// content and sends requests one at a time, each answered by one response: first the manifest,
// then chunk 0, 1, … The server answers until the dialer closes its side or is idle too long.
//
// The fetcher checks the manifest's shape (size within the cap and equal to the declared size,
// chunk size in bounds, one hash per chunk), each chunk's length and sha256 against the manifest
// as it arrives, and the whole against the content hash; nothing is returned (so nothing stored)
// unless all of it holds. Data that fails a check raises BadPeerData naming what was wrong.
import "../p2p/polyfill.js";
import { createHash } from "node:crypto";
import { lpStream } from "@libp2p/utils";
import type { Libp2p } from "libp2p";
import {
  ContentRequest,
  type ContentRequest as ContentRequestMsg,
  ContentResponse,
  RequestKind,
  ResponseStatus,
} from "../../proto/gen/openledger/content/v1/content.js";
import { sha256 } from "../crypto/sha256.js";
import type { Logger } from "../logger.js";
import { chunkLength, equalBytes, MAX_PEER_CHUNK_SIZE, manifestProblem, toHex } from "./manifest.js";
import type { ContentStore } from "./store.js";

export const CONTENT_PROTOCOL = "/openledger/content/1.0.0";

type Stream = Awaited<ReturnType<Libp2p["dialProtocol"]>>;
export type PeerId = ReturnType<Libp2p["getPeers"]>[number];

export interface ProtocolLimits {
  /** Largest response frame accepted: the largest chunk plus room for its envelope. */
  maxResponseBytes: number;
  /** Time for one request to be answered (and for a dial to open a stream). */
  requestTimeoutMs: number;
  /** A served stream with no request for this long is closed. */
  idleTimeoutMs: number;
  /** Streams served at once, all peers together (more are reset). */
  maxActiveStreams: number;
  /** Content streams per connection, each way (libp2p's per-protocol stream limits). */
  maxStreamsPerConnection: number;
}

export const DEFAULT_PROTOCOL_LIMITS: ProtocolLimits = {
  maxResponseBytes: MAX_PEER_CHUNK_SIZE + 4096,
  requestTimeoutMs: 15_000,
  idleTimeoutMs: 30_000,
  maxActiveStreams: 64,
  maxStreamsPerConnection: 8,
};

/** Requests are tiny: a 32-byte hash, a kind, an index. */
const MAX_REQUEST_BYTES = 128;

/** A peer answered data that fails verification; it is discarded. */
export class BadPeerData extends Error {
  override name = "BadPeerData";
}

/** The peer does not hold the content. */
export class ContentNotFound extends Error {
  override name = "ContentNotFound";
}

/** Serves the store's content on the host; answers a function that stops serving. */
export async function serveContent(
  libp2p: Libp2p,
  store: ContentStore,
  opts: { limits?: Partial<ProtocolLimits>; logger?: Logger } = {},
): Promise<() => Promise<void>> {
  const limits = { ...DEFAULT_PROTOCOL_LIMITS, ...opts.limits };
  let active = 0;
  await libp2p.handle(
    CONTENT_PROTOCOL,
    async (stream) => {
      if (active >= limits.maxActiveStreams) {
        stream.abort(new Error(`serving ${active} content streams already`));
        return;
      }
      active++;
      try {
        await serveStream(stream, store, limits);
      } catch (err) {
        opts.logger?.debug({ err: (err as Error).message }, "content stream ended with an error");
        stream.abort(err as Error);
      } finally {
        active--;
      }
    },
    {
      maxInboundStreams: limits.maxStreamsPerConnection,
      maxOutboundStreams: limits.maxStreamsPerConnection,
    },
  );
  return () => libp2p.unhandle(CONTENT_PROTOCOL);
}

async function serveStream(stream: Stream, store: ContentStore, limits: ProtocolLimits): Promise<void> {
  const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES });
  for (;;) {
    let raw: Uint8Array;
    try {
      raw = (await lp.read({ signal: AbortSignal.timeout(limits.idleTimeoutMs) })).subarray();
    } catch {
      break; // the dialer closed its side, or was idle too long
    }
    const response = await answer(store, raw);
    await lp.write(ContentResponse.encode(response).finish(), {
      signal: AbortSignal.timeout(limits.requestTimeoutMs),
    });
  }
  await stream.close();
}

async function answer(store: ContentStore, raw: Uint8Array): Promise<ContentResponse> {
  const reply = (status: ResponseStatus, o: Partial<ContentResponse> = {}): ContentResponse => ({
    status,
    manifest: undefined,
    chunk: new Uint8Array(0),
    error: "",
    ...o,
  });
  let req: ContentRequestMsg;
  try {
    req = ContentRequest.decode(raw);
  } catch (err) {
    return reply(ResponseStatus.RESPONSE_STATUS_BAD_REQUEST, {
      error: `undecodable request: ${(err as Error).message}`,
    });
  }
  if (req.sha256.length !== 32)
    return reply(ResponseStatus.RESPONSE_STATUS_BAD_REQUEST, {
      error: `sha256 is ${req.sha256.length} bytes, want 32`,
    });
  if (req.kind === RequestKind.REQUEST_KIND_MANIFEST) {
    const manifest = await store.manifest(req.sha256);
    return manifest
      ? reply(ResponseStatus.RESPONSE_STATUS_OK, { manifest })
      : reply(ResponseStatus.RESPONSE_STATUS_NOT_FOUND, { error: `no content ${toHex(req.sha256)}` });
  }
  if (req.kind === RequestKind.REQUEST_KIND_CHUNK) {
    const chunk = await store.getChunk(req.sha256, req.index);
    return chunk
      ? reply(ResponseStatus.RESPONSE_STATUS_OK, { chunk })
      : reply(ResponseStatus.RESPONSE_STATUS_NOT_FOUND, {
          error: `no chunk ${req.index} of ${toHex(req.sha256)}`,
        });
  }
  return reply(ResponseStatus.RESPONSE_STATUS_BAD_REQUEST, { error: `unknown request kind ${req.kind}` });
}

export interface FetchOptions {
  /** The store's size cap: a larger manifest is refused. */
  maxBytes: number;
  /** The size a contribution declares, when known: a manifest of another size is refused. */
  expectedSize?: bigint;
  limits?: Partial<ProtocolLimits>;
  signal?: AbortSignal;
}

/** Fetches content from one peer and verifies it (see the top of this file); answers its bytes. */
export async function fetchContent(
  libp2p: Libp2p,
  peer: PeerId,
  hash: Uint8Array,
  opts: FetchOptions,
): Promise<Uint8Array> {
  const limits = { ...DEFAULT_PROTOCOL_LIMITS, ...opts.limits };
  const signal = () => {
    const timeout = AbortSignal.timeout(limits.requestTimeoutMs);
    return opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  };
  const stream = await libp2p.dialProtocol(peer, CONTENT_PROTOCOL, { signal: signal() });
  const lp = lpStream(stream, { maxDataLength: limits.maxResponseBytes });
  const request = async (kind: RequestKind, index: number): Promise<ContentResponse> => {
    await lp.write(ContentRequest.encode({ sha256: hash, kind, index }).finish(), { signal: signal() });
    const raw = await lp.read({ signal: signal() });
    try {
      return ContentResponse.decode(raw.subarray());
    } catch (err) {
      throw new BadPeerData(`undecodable response: ${(err as Error).message}`);
    }
  };
  try {
    const m = await request(RequestKind.REQUEST_KIND_MANIFEST, 0);
    if (m.status === ResponseStatus.RESPONSE_STATUS_NOT_FOUND)
      throw new ContentNotFound(`peer has no ${toHex(hash)}`);
    if (m.status !== ResponseStatus.RESPONSE_STATUS_OK || !m.manifest)
      throw new BadPeerData(`manifest request answered status ${m.status} ${m.error}`);
    const manifest = m.manifest;
    const problem = manifestProblem(manifest, opts.maxBytes, opts.expectedSize);
    if (problem) throw new BadPeerData(problem);
    const out = new Uint8Array(Number(manifest.size));
    const whole = createHash("sha256");
    let at = 0;
    for (let i = 0; i < manifest.chunkHashes.length; i++) {
      const r = await request(RequestKind.REQUEST_KIND_CHUNK, i);
      if (r.status !== ResponseStatus.RESPONSE_STATUS_OK)
        throw new BadPeerData(`chunk ${i} answered status ${r.status} ${r.error} after its manifest`);
      const want = chunkLength(manifest, i);
      if (r.chunk.length !== want)
        throw new BadPeerData(`chunk ${i} is ${r.chunk.length} bytes, want ${want}`);
      if (!equalBytes(sha256(r.chunk), manifest.chunkHashes[i]!))
        throw new BadPeerData(`chunk ${i} does not match its sha256 in the manifest`);
      whole.update(r.chunk);
      out.set(r.chunk, at);
      at += r.chunk.length;
    }
    const digest = new Uint8Array(whole.digest());
    if (!equalBytes(digest, hash))
      throw new BadPeerData(`the chunks hash to ${toHex(digest)}, not ${toHex(hash)}: forged manifest`);
    await stream.close({ signal: signal() }).catch(() => stream.abort(new Error("close failed")));
    return out;
  } catch (err) {
    stream.abort(err as Error);
    throw err;
  }
}
