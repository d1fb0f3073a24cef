// ABCI socket framing, as CometBFT v0.38 writes it (abci/types/messages.go → libs/protoio): every
// message is an unsigned varint (binary.PutUvarint) of the protobuf length, then the protobuf
// bytes of a tendermint.abci.Request or Response. v0.38.0 reads at most 100 MiB per message.
import { BinaryReader } from "cosmjs-types/binary";
import { Request, Response } from "cosmjs-types/tendermint/abci/types";

/** CometBFT v0.38.0's maxMsgSize (abci/types/messages.go). */
export const DEFAULT_MAX_MESSAGE_BYTES = 100 * 1024 * 1024;
/** binary.MaxVarintLen64. */
const MAX_VARINT_LEN = 10;

/** A frame that cannot be read: bad length prefix, over the size limit, or not a Request. */
export class FrameError extends Error {}

export function encodeUvarint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`cannot encode ${n} as a uvarint`);
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/**
 * binary.ReadUvarint over the start of `buf`: the value and its length in bytes, or undefined when
 * `buf` ends inside the varint. Throws FrameError on an overflow (more than 10 bytes, or a 10th
 * byte above 1) as Go does. Values past 2^53 lose precision but stay far above any size limit.
 */
export function decodeUvarint(buf: Uint8Array): { value: number; bytes: number } | undefined {
  let value = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (i === MAX_VARINT_LEN - 1 && b > 1) throw new FrameError("length prefix overflows a uint64");
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { value, bytes: i + 1 };
    if (i === MAX_VARINT_LEN - 1) throw new FrameError("length prefix overflows a uint64");
  }
  return undefined;
}

/** Length prefix + message bytes. */
export function frame(message: Uint8Array): Uint8Array {
  const prefix = encodeUvarint(message.length);
  const out = new Uint8Array(prefix.length + message.length);
  out.set(prefix, 0);
  out.set(message, prefix.length);
  return out;
}

export function encodeResponse(res: Response): Uint8Array {
  return frame(Response.encode(res).finish());
}

export function encodeRequest(req: Request): Uint8Array {
  return frame(Request.encode(req).finish());
}

/**
 * Splits a byte stream into message bodies. Bytes are kept as received and joined once per frame,
 * so a large frame split over many reads is copied once. A length over the limit is refused as
 * soon as the prefix is read, before the body arrives.
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Body length of the frame being read, once its prefix has been consumed. */
  private need: number | undefined;
  private error: FrameError | undefined;

  constructor(private readonly maxBytes = DEFAULT_MAX_MESSAGE_BYTES) {}

  /**
   * Adds received bytes; returns the bodies of the frames now complete, in order, and the error
   * that stops the stream, if any (after it, the decoder returns nothing more).
   */
  push(chunk: Uint8Array): { frames: Uint8Array[]; error?: FrameError } {
    const frames: Uint8Array[] = [];
    if (this.error) return { frames, error: this.error };
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    try {
      for (;;) {
        if (this.need === undefined) {
          const prefix = decodeUvarint(this.take(Math.min(this.buffered, MAX_VARINT_LEN), false));
          if (!prefix) break;
          if (prefix.value > this.maxBytes) {
            throw new FrameError(`message of ${prefix.value} bytes is over the limit of ${this.maxBytes}`);
          }
          this.take(prefix.bytes, true);
          this.need = prefix.value;
        }
        if (this.buffered < this.need) break;
        frames.push(this.take(this.need, true));
        this.need = undefined;
      }
    } catch (err) {
      this.error = err instanceof FrameError ? err : new FrameError(String(err));
      this.chunks = [];
      this.buffered = 0;
      return { frames, error: this.error };
    }
    return { frames };
  }

  /** Bytes buffered and not yet part of a returned frame (prefix included). */
  get pending(): number {
    return this.buffered;
  }

  /** The first n buffered bytes; removed from the buffer when `consume`. */
  private take(n: number, consume: boolean): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    let first = this.chunks[0]!;
    if (first.length < n) {
      // Join only as many chunks as cover n bytes.
      let joined = 0;
      let count = 0;
      while (joined < n) joined += this.chunks[count++]!.length;
      first = Buffer.concat(this.chunks.slice(0, count));
      this.chunks.splice(0, count, first);
    }
    const bytes = first.subarray(0, n);
    if (consume) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
    }
    return bytes;
  }
}

/** The oneof fields of tendermint.abci.Request in v0.38, by field number (types.proto). */
export const REQUEST_FIELDS: Record<number, keyof Request> = {
  1: "echo",
  2: "flush",
  3: "info",
  5: "initChain",
  6: "query",
  8: "checkTx",
  11: "commit",
  12: "listSnapshots",
  13: "offerSnapshot",
  14: "loadSnapshotChunk",
  15: "applySnapshotChunk",
  16: "prepareProposal",
  17: "processProposal",
  18: "extendVote",
  19: "verifyVoteExtension",
  20: "finalizeBlock",
};

/**
 * Decodes one Request body. Its top level must hold exactly one known oneof field, length-delimited
 * (wire type 2); anything else (no field, an unknown or reserved field such as 4 SetOption, a wrong
 * wire type, truncated bytes) is a FrameError and nothing reaches the application.
 */
export function decodeRequest(body: Uint8Array): { method: keyof Request; request: Request } {
  const seen = new Set<keyof Request>();
  try {
    const reader = new BinaryReader(body);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wireType = tag & 7;
      const name = REQUEST_FIELDS[field];
      if (!name) throw new FrameError(`unknown request field ${field}`);
      if (wireType !== 2) throw new FrameError(`request field ${field} has wire type ${wireType}, not 2`);
      seen.add(name);
      reader.skipType(wireType);
    }
  } catch (err) {
    if (err instanceof FrameError) throw err;
    throw new FrameError(`cannot decode Request: ${(err as Error).message}`);
  }
  if (seen.size !== 1) {
    throw new FrameError(
      seen.size === 0 ? "empty request" : `request sets ${seen.size} oneof fields: ${[...seen].join(", ")}`,
    );
  }
  let request: Request;
  try {
    request = Request.decode(body);
  } catch (err) {
    throw new FrameError(`cannot decode Request: ${(err as Error).message}`);
  }
  return { method: [...seen][0]!, request };
}
