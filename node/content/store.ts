// The content store: contribution content in the node's LevelDB, keyed by sha256 and cut into
// 256 KiB chunks with a manifest (see manifest.ts). Not consensus state: each node holds what it
// was given (inline content of committed txs, HTTP pushes, fetches from peers).
//
//   0x0A ‖ 0x00 ‖ sha256                  → ContentManifest (proto)
//   0x0A ‖ 0x01 ‖ sha256 ‖ u32be(index)   → chunk bytes
//
// Every write puts the manifest and all chunks in one batch, so a manifest present means the
// content is complete.
import { type BatchOps, type Db, DbPrefix, prefixed, u32be } from "../store/db.js";
import { ContentManifest, checkContent, cut, toHex } from "./manifest.js";

export interface ContentOptions {
  /** Largest content the store takes (HTTP push, peer fetch, inline content). */
  maxContentBytes: number;
}

export const DEFAULT_CONTENT_OPTIONS: ContentOptions = { maxContentBytes: 64 * 1024 * 1024 };

const MANIFEST = Uint8Array.of(0x00);
const CHUNK = Uint8Array.of(0x01);

export const manifestKey = (hash: Uint8Array) => prefixed(DbPrefix.Content, MANIFEST, hash);
export const chunkKey = (hash: Uint8Array, index: number) =>
  prefixed(DbPrefix.Content, CHUNK, hash, u32be(index));

export class ContentStore {
  readonly maxContentBytes: number;

  constructor(
    private readonly db: Db,
    opts: Partial<ContentOptions> = {},
  ) {
    this.maxContentBytes = opts.maxContentBytes ?? DEFAULT_CONTENT_OPTIONS.maxContentBytes;
    if (!Number.isSafeInteger(this.maxContentBytes) || this.maxContentBytes < 1)
      throw new Error(
        `content store: maxContentBytes must be a positive integer, got ${this.maxContentBytes}`,
      );
  }

  /**
   * The batch operations that store `bytes` (for a block's atomic batch); checks the size cap and,
   * when given, the expected sha256 (throws ContentError). Putting content twice is harmless.
   */
  putOps(bytes: Uint8Array, expected?: Uint8Array): BatchOps {
    return this.prepare(bytes, expected).ops;
  }

  /** Stores content (one batch); answers its sha256. */
  async put(bytes: Uint8Array, expected?: Uint8Array): Promise<Uint8Array> {
    const { hash, ops } = this.prepare(bytes, expected);
    await this.db.batch(ops);
    return hash;
  }

  private prepare(bytes: Uint8Array, expected?: Uint8Array): { hash: Uint8Array; ops: BatchOps } {
    const hash = checkContent(bytes, this.maxContentBytes, expected);
    const { manifest, chunks } = cut(bytes);
    const ops: BatchOps = chunks.map((chunk, i) => ({ type: "put", key: chunkKey(hash, i), value: chunk }));
    ops.push({ type: "put", key: manifestKey(hash), value: ContentManifest.encode(manifest).finish() });
    return { hash, ops };
  }

  async has(hash: Uint8Array): Promise<boolean> {
    return (await this.db.get(manifestKey(hash))) !== undefined;
  }

  async manifest(hash: Uint8Array): Promise<ContentManifest | undefined> {
    const raw = await this.db.get(manifestKey(hash));
    return raw ? ContentManifest.decode(raw) : undefined;
  }

  async getChunk(hash: Uint8Array, index: number): Promise<Uint8Array | undefined> {
    if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) return undefined;
    return this.db.get(chunkKey(hash, index));
  }

  /** The chunks of stored content in order, or undefined when the store lacks it. */
  async *chunks(hash: Uint8Array): AsyncGenerator<Uint8Array> {
    const m = await this.manifest(hash);
    if (!m) return;
    for (let i = 0; i < m.chunkHashes.length; i++) {
      const chunk = await this.getChunk(hash, i);
      if (!chunk) throw new Error(`content store: chunk ${i} of ${toHex(hash)} is missing`);
      yield chunk;
    }
  }

  /** The whole content, or undefined when the store lacks it. */
  async get(hash: Uint8Array): Promise<Uint8Array | undefined> {
    const m = await this.manifest(hash);
    if (!m) return undefined;
    const out = new Uint8Array(Number(m.size));
    let at = 0;
    for await (const chunk of this.chunks(hash)) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
