// Content is addressed by the sha256 of its bytes and cut into fixed-size chunks. The manifest
// lists each chunk's sha256, so a fetcher checks every chunk as it arrives; the whole is then
// checked against the content hash (a manifest alone cannot be trusted: sha256 is not a tree hash).
import { ContentManifest } from "../../proto/gen/openledger/content/v1/content.js";
import { sha256 } from "../crypto/sha256.js";

export { ContentManifest };

/** Chunk size of content this node stores and serves. */
export const CHUNK_SIZE = 256 * 1024;
/** Bounds on the chunk size of a manifest received from a peer. */
export const MIN_PEER_CHUNK_SIZE = 16 * 1024;
export const MAX_PEER_CHUNK_SIZE = 1024 * 1024;

/** Content refused: empty, over the size cap, or not matching its declared sha256 / size. */
export class ContentError extends Error {
  constructor(
    message: string,
    readonly reason: "empty" | "too_large" | "mismatch",
  ) {
    super(message);
    this.name = "ContentError";
  }
}

export const toHex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex");

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The 32-byte hash of a lowercase or uppercase 64-digit hex string, or undefined. */
export function parseHashHex(s: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, "hex"));
}

export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** Length of chunk `index` of content described by the manifest. */
export function chunkLength(m: ContentManifest, index: number): number {
  const size = Number(m.size);
  return Math.min(m.chunkSize, size - index * m.chunkSize);
}

/** Checks content against the size cap and, when given, its expected sha256; answers its hash. */
export function checkContent(bytes: Uint8Array, maxBytes: number, expected?: Uint8Array): Uint8Array {
  if (bytes.length === 0) throw new ContentError("content is empty", "empty");
  if (bytes.length > maxBytes)
    throw new ContentError(
      `content is ${bytes.length} bytes, the store takes at most ${maxBytes}`,
      "too_large",
    );
  const hash = sha256(bytes);
  if (expected && !equalBytes(hash, expected))
    throw new ContentError(`content hashes to ${toHex(hash)}, expected ${toHex(expected)}`, "mismatch");
  return hash;
}

/** The manifest of content cut into `chunkSize` chunks, and the chunks (views of `bytes`). */
export function cut(
  bytes: Uint8Array,
  chunkSize = CHUNK_SIZE,
): { manifest: ContentManifest; chunks: Uint8Array[] } {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
  return {
    manifest: { size: BigInt(bytes.length), chunkSize, chunkHashes: chunks.map((c) => sha256(c)) },
    chunks,
  };
}

/**
 * Checks a manifest received from a peer for the content it was asked for: a size within the cap
 * (and equal to the declared size when one is known), a chunk size within bounds, one 32-byte
 * hash per chunk. Answers what is wrong, or undefined when it is well formed.
 */
export function manifestProblem(
  m: ContentManifest,
  maxBytes: number,
  expectedSize?: bigint,
): string | undefined {
  if (m.size < 1n) return "manifest size is 0";
  if (m.size > BigInt(maxBytes)) return `manifest size ${m.size} is over the cap of ${maxBytes} bytes`;
  if (expectedSize !== undefined && m.size !== expectedSize)
    return `manifest size ${m.size} differs from the declared size ${expectedSize}`;
  if (m.chunkSize < MIN_PEER_CHUNK_SIZE || m.chunkSize > MAX_PEER_CHUNK_SIZE)
    return `manifest chunk size ${m.chunkSize} is outside ${MIN_PEER_CHUNK_SIZE}..${MAX_PEER_CHUNK_SIZE}`;
  const want = chunkCount(Number(m.size), m.chunkSize);
  if (m.chunkHashes.length !== want)
    return `manifest lists ${m.chunkHashes.length} chunk hashes, ${want} expected for ${m.size} bytes`;
  if (m.chunkHashes.some((h) => h.length !== 32)) return "manifest has a chunk hash that is not 32 bytes";
  return undefined;
}
