// On-disk files of the span index: little-endian typed arrays written atomically (temp file,
// fsync, rename) with their size and sha256 recorded in a JSON file that carries its own checksum.
import { createHash } from "node:crypto";
import { closeSync, fsyncSync, openSync, readSync, renameSync, statSync, writeSync } from "node:fs";
import { endianness } from "node:os";
import { SpanError } from "./errors.js";

const CHUNK = 64 * 1024 * 1024;

export interface FileInfo {
  bytes: number;
  sha256: string;
}

export function assertLittleEndian(): void {
  if (endianness() !== "LE")
    throw new SpanError("invalid-input", "the span index format is little-endian only");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Writes `view` to `path` through `path.tmp` + fsync + rename; returns its size and sha256. */
export function writeFileAtomic(path: string, view: ArrayBufferView | string): FileInfo {
  const bytes = typeof view === "string" ? new TextEncoder().encode(view) : bytesOf(view);
  const tmp = `${path}.tmp`;
  const hash = createHash("sha256");
  const fd = openSync(tmp, "w");
  try {
    for (let off = 0; off < bytes.length; off += CHUNK) {
      const part = bytes.subarray(off, Math.min(bytes.length, off + CHUNK));
      hash.update(part);
      let done = 0;
      while (done < part.length) done += writeSync(fd, part, done, part.length - done);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return { bytes: bytes.length, sha256: hash.digest("hex") };
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole file into a fresh ArrayBuffer, checking its size and (when `verify`) sha256. */
export function readFileChecked(path: string, info: FileInfo, verify: boolean): ArrayBuffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new SpanError("missing-index", `span index file ${path} is missing`);
  }
  if (size !== info.bytes) {
    throw new SpanError("corrupt-index", `span index file ${path} has ${size} bytes, expected ${info.bytes}`);
  }
  const buffer = new ArrayBuffer(size);
  const bytes = new Uint8Array(buffer);
  const hash = verify ? createHash("sha256") : undefined;
  const fd = openSync(path, "r");
  try {
    for (let off = 0; off < size; ) {
      const n = readSync(fd, bytes, off, Math.min(CHUNK, size - off), off);
      if (n <= 0) throw new SpanError("corrupt-index", `span index file ${path} ended early`);
      hash?.update(bytes.subarray(off, off + n));
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  if (hash && hash.digest("hex") !== info.sha256) {
    throw new SpanError("corrupt-index", `span index file ${path} fails its sha256 check`);
  }
  return buffer;
}

/** JSON with a trailing "checksum" field: sha256 of the JSON of every other field, in order. */
export function withChecksum<T extends object>(body: T): T & { checksum: string } {
  return { ...body, checksum: sha256Hex(JSON.stringify(body)) };
}

export function parseChecked(path: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SpanError("corrupt-index", `${path} is not valid JSON`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new SpanError("corrupt-index", `${path} is not a JSON object`);
  }
  const { checksum, ...body } = parsed as Record<string, unknown>;
  if (typeof checksum !== "string" || checksum !== sha256Hex(JSON.stringify(body))) {
    throw new SpanError("corrupt-index", `${path} fails its checksum`);
  }
  return body;
}
