// Hashed n-gram features of UTF-8 text. Defined on bytes only (no Unicode tables), so every
// Node version and machine computes the same vector:
// - tokens: maximal runs of bytes that are ASCII letters or digits or any byte >= 0x80; ASCII
//   A-Z are lowercased; every other ASCII byte separates tokens;
// - n-grams: each token (prefix byte 0x01) and, when maxNgram = 2, each pair of consecutive
//   tokens (0x02 ‖ first ‖ 0x00 ‖ second), hashed with 32-bit FNV-1a into `buckets` buckets;
// - values: term counts per bucket, L2-normalised (sum of squares in ascending bucket order),
//   then rounded to float32 — the exact numbers the ONNX graphs receive.

export const FEATURE_SCHEME = "fnv1a-ngram-v1";

export interface FeatureSpec {
  scheme: typeof FEATURE_SCHEME;
  /** Number of hash buckets D. */
  buckets: number;
  /** 1: unigrams; 2: unigrams and bigrams. */
  maxNgram: 1 | 2;
  /** Longest text accepted, in UTF-8 bytes. */
  maxTextBytes: number;
}

export const DEFAULT_FEATURES: FeatureSpec = {
  scheme: FEATURE_SCHEME,
  buckets: 512,
  maxNgram: 2,
  maxTextBytes: 256 * 1024,
};

/** Sparse vector: ascending bucket indices and their (float32-representable) values. */
export interface SparseVector {
  index: Uint32Array;
  value: Float64Array;
}

export function checkFeatureSpec(spec: FeatureSpec): void {
  if (spec.scheme !== FEATURE_SCHEME) throw new Error(`unknown feature scheme ${spec.scheme}`);
  if (!Number.isInteger(spec.buckets) || spec.buckets < 2 || spec.buckets > 1 << 20) {
    throw new Error(`feature buckets must be an integer in [2, 2^20], got ${spec.buckets}`);
  }
  if (spec.maxNgram !== 1 && spec.maxNgram !== 2) throw new Error(`maxNgram must be 1 or 2`);
  if (!Number.isInteger(spec.maxTextBytes) || spec.maxTextBytes < 1) {
    throw new Error(`maxTextBytes must be a positive integer`);
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvByte(h: number, b: number): number {
  return Math.imul(h ^ b, FNV_PRIME) >>> 0;
}

function fnvRange(h: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) h = fnvByte(h, bytes[i]!);
  return h;
}

function isTokenByte(b: number): boolean {
  return b >= 0x80 || (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a);
}

/** UTF-8 bytes of a text, refused past the spec's cap. */
export function textBytes(text: string, spec: FeatureSpec, what = "text"): Uint8Array {
  if (typeof text !== "string") throw new Error(`${what} must be a string`);
  // A UTF-16 code unit becomes at most 3 UTF-8 bytes: cheap early refusal of huge strings.
  if (text.length > spec.maxTextBytes) throw new Error(`${what} is over ${spec.maxTextBytes} bytes`);
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > spec.maxTextBytes) {
    throw new Error(`${what} is ${bytes.length} bytes, over the cap of ${spec.maxTextBytes}`);
  }
  return bytes;
}

/** The hashed, L2-normalised n-gram vector of a text (see the header for the exact rules). */
export function featurize(text: string, spec: FeatureSpec, what = "text"): SparseVector {
  const bytes = textBytes(text, spec, what);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x41 && b <= 0x5a) bytes[i] = b + 0x20; // ASCII lowercase
  }
  const counts = new Map<number, number>();
  const add = (h: number) => {
    const bucket = h % spec.buckets;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  };
  let prevStart = -1;
  let prevEnd = -1;
  let i = 0;
  while (i < bytes.length) {
    if (!isTokenByte(bytes[i]!)) {
      i++;
      continue;
    }
    const start = i;
    while (i < bytes.length && isTokenByte(bytes[i]!)) i++;
    add(fnvRange(fnvByte(FNV_OFFSET, 0x01), bytes, start, i));
    if (spec.maxNgram === 2 && prevStart >= 0) {
      const h = fnvByte(fnvRange(fnvByte(FNV_OFFSET, 0x02), bytes, prevStart, prevEnd), 0x00);
      add(fnvRange(h, bytes, start, i));
    }
    prevStart = start;
    prevEnd = i;
  }
  const index = Uint32Array.from(counts.keys()).sort();
  let sumSq = 0;
  for (const k of index) sumSq += counts.get(k)! ** 2;
  const norm = Math.sqrt(sumSq);
  const value = new Float64Array(index.length);
  for (let j = 0; j < index.length; j++) value[j] = Math.fround(counts.get(index[j]!)! / norm);
  return { index, value };
}

/** Packs sparse vectors into a dense row-major float32 batch [rows, buckets]. */
export function densify(vectors: readonly SparseVector[], buckets: number): Float32Array {
  const out = new Float32Array(vectors.length * buckets);
  vectors.forEach((v, r) => {
    for (let j = 0; j < v.index.length; j++) out[r * buckets + v.index[j]!] = v.value[j]!;
  });
  return out;
}
