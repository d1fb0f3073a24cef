// On-disk cache of a model's training features (the preconditioned per-example gradients the
// scoring graph multiplies with), keyed by the model's artifact hash and the influence settings.
//
// <dir>/<artifact sha256 hex>/<method>-<first 16 hex of sha256(settings JSON)>.bin:
//   "OLIFC001" ‖ u32be len ‖ header JSON ‖ n × u64be contribution id ‖ rows×n float32 LE
// The header repeats the settings, the training-set digest, the shape and the sha256 of everything
// after it; a file that disagrees in any way is ignored (and rewritten). Writes are atomic: a
// temporary file in the same directory, fsync, then rename.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { rawLittleEndian } from "../onnx/writer.js";

const MAGIC = new TextEncoder().encode("OLIFC001");
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

export interface FeatureCacheKey {
  artifactSha256: Uint8Array;
  trainingSetSha256: Uint8Array;
  /** Influence settings that change the features (method, damping, projection...). */
  settings: Record<string, string | number>;
}

export interface TrainingFeatures {
  contributionIds: bigint[];
  /** Feature width (k) and training examples (n): `data` is [rows, n] row-major. */
  rows: number;
  n: number;
  data: Float32Array;
}

export function cacheFile(dir: string, key: FeatureCacheKey): string {
  const settings = JSON.stringify(key.settings);
  const tag = hex(sha256(new TextEncoder().encode(settings))).slice(0, 16);
  return join(dir, hex(key.artifactSha256), `${String(key.settings.method ?? "features")}-${tag}.bin`);
}

function header(key: FeatureCacheKey, f: TrainingFeatures, bodySha: Uint8Array): string {
  return JSON.stringify({
    artifact: hex(key.artifactSha256),
    trainingSet: hex(key.trainingSetSha256),
    settings: key.settings,
    rows: f.rows,
    n: f.n,
    body: hex(bodySha),
  });
}

function body(f: TrainingFeatures): Uint8Array {
  const ids = new Uint8Array(f.n * 8);
  const view = new DataView(ids.buffer);
  for (let i = 0; i < f.n; i++) view.setBigUint64(i * 8, f.contributionIds[i]!);
  const out = new Uint8Array(ids.length + f.data.length * 4);
  out.set(ids);
  out.set(rawLittleEndian(f.data), ids.length);
  return out;
}

/** Writes the features atomically (never a half-written file under the final name). */
export async function writeFeatures(dir: string, key: FeatureCacheKey, f: TrainingFeatures): Promise<string> {
  if (f.data.length !== f.rows * f.n || f.contributionIds.length !== f.n)
    throw new Error("features shape mismatch");
  const file = cacheFile(dir, key);
  const folder = join(file, "..");
  await mkdir(folder, { recursive: true });
  const b = body(f);
  const h = new TextEncoder().encode(header(key, f, sha256(b)));
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, h.length);
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const fh = await open(tmp, "wx");
    try {
      for (const part of [MAGIC, len, h, b]) await fh.write(part);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return file;
}

/** Reads cached features, or undefined when absent, stale or damaged. */
export async function readFeatures(dir: string, key: FeatureCacheKey): Promise<TrainingFeatures | undefined> {
  let buf: Buffer;
  try {
    buf = await readFile(cacheFile(dir, key));
  } catch {
    return undefined;
  }
  if (buf.length < 12 || Buffer.compare(buf.subarray(0, 8), MAGIC) !== 0) return undefined;
  const hlen = buf.readUInt32BE(8);
  if (12 + hlen > buf.length) return undefined;
  let h: { rows: number; n: number; body: string };
  try {
    h = JSON.parse(buf.subarray(12, 12 + hlen).toString("utf8"));
  } catch {
    return undefined;
  }
  const { rows, n } = h;
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(n) || rows < 1 || n < 1) return undefined;
  const b = buf.subarray(12 + hlen);
  if (b.length !== n * 8 + rows * n * 4) return undefined;
  const f: TrainingFeatures = { contributionIds: [], rows, n, data: new Float32Array(rows * n) };
  // Same settings, same training set, intact body: the header must be exactly what we would write.
  if (header(key, f, sha256(b)) !== buf.subarray(12, 12 + hlen).toString("utf8")) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < n; i++) f.contributionIds.push(view.getBigUint64(i * 8));
  for (let i = 0; i < rows * n; i++) f.data[i] = view.getFloat32(n * 8 + i * 4, true);
  return f;
}
