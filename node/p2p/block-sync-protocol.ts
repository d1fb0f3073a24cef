// /openledger/<chain-id>/blocksync/1.0.0: a node that is behind asks peers for their stored heights
// and for blocks with the commits that decided them.
//
// Framing as the content protocol: unsigned-varint length-prefixed protobuf
// (openledger.blocksync.v1.Message) over one stream per session. The dialer sends one request at a
// time and reads one response. The server answers from its block store until the dialer closes its
// side or is idle too long. Nothing here trusts the answers: the syncer verifies every block
// against the commit and the validator set it already knows (node/consensus/bft/block-sync.ts).
import "./polyfill.js";
import { lpStream } from "@libp2p/utils";
import { Commit } from "cosmjs-types/tendermint/types/types";
import type { Libp2p } from "libp2p";
import { Message } from "../../proto/gen/openledger/blocksync/v1/blocksync.js";
import type { Logger } from "../logger.js";

export function blockSyncProtocol(chainId: string): string {
  return `/openledger/${chainId}/blocksync/1.0.0`;
}

type Stream = Awaited<ReturnType<Libp2p["dialProtocol"]>>;
export type PeerId = ReturnType<Libp2p["getPeers"]>[number];

/** What the server reads: a BlockStore satisfies it. */
export interface BlockSource {
  readonly base: bigint;
  readonly height: bigint;
  blockBytes(height: bigint): Promise<Uint8Array | undefined>;
  commit(height: bigint): Promise<{ commit: Commit } | undefined>;
}

export interface BlockSyncLimits {
  /** Largest response accepted (a block at the genesis max_bytes plus its commit). */
  maxResponseBytes: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  maxActiveStreams: number;
}

export const DEFAULT_BLOCK_SYNC_LIMITS: BlockSyncLimits = {
  maxResponseBytes: 24 * 1024 * 1024,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 20_000,
  maxActiveStreams: 32,
};

const MAX_REQUEST_BYTES = 64;

/** The peer answered something that is not a valid answer to the request. */
export class BadSyncResponse extends Error {
  override name = "BadSyncResponse";
}

/** Serves the block store on the host; answers a function that stops serving. */
export async function serveBlockSync(
  libp2p: Libp2p,
  chainId: string,
  source: BlockSource,
  opts: { limits?: Partial<BlockSyncLimits>; logger?: Logger } = {},
): Promise<() => Promise<void>> {
  const limits = { ...DEFAULT_BLOCK_SYNC_LIMITS, ...opts.limits };
  const protocol = blockSyncProtocol(chainId);
  let active = 0;
  await libp2p.handle(
    protocol,
    async (stream) => {
      if (active >= limits.maxActiveStreams) {
        stream.abort(new Error(`serving ${active} block sync streams already`));
        return;
      }
      active++;
      try {
        await serveStream(stream, source, limits);
      } catch (err) {
        opts.logger?.debug({ err: (err as Error).message }, "block sync stream ended with an error");
        stream.abort(err as Error);
      } finally {
        active--;
      }
    },
    { maxInboundStreams: 4, maxOutboundStreams: 4 },
  );
  return () => libp2p.unhandle(protocol);
}

async function serveStream(stream: Stream, source: BlockSource, limits: BlockSyncLimits): Promise<void> {
  const lp = lpStream(stream, { maxDataLength: MAX_REQUEST_BYTES });
  for (;;) {
    let raw: Uint8Array;
    try {
      raw = (await lp.read({ signal: AbortSignal.timeout(limits.idleTimeoutMs) })).subarray();
    } catch {
      break;
    }
    const response = await answer(source, Message.decode(raw));
    await lp.write(Message.encode(response).finish(), {
      signal: AbortSignal.timeout(limits.requestTimeoutMs),
    });
  }
  await stream.close();
}

async function answer(source: BlockSource, req: Message): Promise<Message> {
  if (req.statusRequest !== undefined) {
    return { statusResponse: { height: source.height, base: source.height === 0n ? 0n : source.base } };
  }
  const height = req.blockRequest?.height;
  if (height === undefined) throw new Error("request is neither a status nor a block request");
  const [block, commit] = await Promise.all([source.blockBytes(height), source.commit(height)]);
  if (block === undefined || commit === undefined) return { noBlockResponse: { height } };
  return { blockResponse: { height, block, commit: Commit.encode(commit.commit).finish() } };
}

/** One stream to one peer, for a run of requests. */
export class BlockSyncSession {
  private constructor(
    private readonly stream: Stream,
    private readonly lp: ReturnType<typeof lpStream>,
    private readonly limits: BlockSyncLimits,
  ) {}

  static async open(
    libp2p: Libp2p,
    chainId: string,
    peer: PeerId,
    limits: Partial<BlockSyncLimits> = {},
  ): Promise<BlockSyncSession> {
    const l = { ...DEFAULT_BLOCK_SYNC_LIMITS, ...limits };
    const stream = await libp2p.dialProtocol(peer, blockSyncProtocol(chainId), {
      signal: AbortSignal.timeout(l.requestTimeoutMs),
    });
    return new BlockSyncSession(stream, lpStream(stream, { maxDataLength: l.maxResponseBytes }), l);
  }

  async status(): Promise<{ base: bigint; height: bigint }> {
    const res = await this.request({ statusRequest: {} });
    if (res.statusResponse === undefined)
      throw new BadSyncResponse("status request not answered with a status");
    const { base, height } = res.statusResponse;
    if (height < 0n || base < 0n || base > height) {
      throw new BadSyncResponse(`status base ${base} height ${height} is not a range`);
    }
    return { base, height };
  }

  /** The block bytes and commit bytes of a height, or undefined if the peer lacks it. */
  async block(height: bigint): Promise<{ block: Uint8Array; commit: Uint8Array } | undefined> {
    const res = await this.request({ blockRequest: { height } });
    if (res.noBlockResponse !== undefined) {
      if (res.noBlockResponse.height !== height)
        throw new BadSyncResponse("no-block answer for another height");
      return undefined;
    }
    const r = res.blockResponse;
    if (r === undefined) throw new BadSyncResponse("block request not answered with a block");
    if (r.height !== height) throw new BadSyncResponse(`asked for block ${height}, got ${r.height}`);
    return { block: r.block, commit: r.commit };
  }

  async close(): Promise<void> {
    try {
      await this.stream.close();
    } catch {
      this.stream.abort(new Error("block sync session closed"));
    }
  }

  private async request(msg: Message): Promise<Message> {
    const signal = AbortSignal.timeout(this.limits.requestTimeoutMs);
    await this.lp.write(Message.encode(msg).finish(), { signal });
    const raw = await this.lp.read({ signal });
    try {
      return Message.decode(raw.subarray());
    } catch (err) {
      throw new BadSyncResponse(`undecodable response: ${(err as Error).message}`);
    }
  }
}
