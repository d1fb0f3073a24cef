// Opens a shard: reads its files into typed arrays (Node has no mmap), checks sizes and layout
// always, and the sha256 of every file unless told "sizes" only. Memory: 8 bytes a token (token
// array + suffix array), 16 bytes a document, and 0.4 MB for the per-token ranges.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { SpanError } from "./errors.js";
import { assertLittleEndian, parseChecked, readFileChecked } from "./format.js";
import { FILES, MAX_SHARD_TOKENS, SHARD_FORMAT, type ShardMeta } from "./shard-meta.js";
import { ENCODING, SEPARATOR, TOKEN_BOUND } from "./tokenizer.js";

export type Verify = "full" | "sizes";

export interface Shard {
  name: string;
  dir: string;
  meta: ShardMeta;
  tokens: Uint32Array;
  sa: Uint32Array;
  /** First token position of each document, increasing. */
  docStarts: Uint32Array;
  docIds: BigUint64Array;
  /** Suffixes starting with token t are sa[tokenStart[t] .. tokenStart[t + 1]). */
  tokenStart: Uint32Array;
}

function corrupt(dir: string, what: string): SpanError {
  return new SpanError("corrupt-index", `span shard ${dir}: ${what}`);
}

function isCount(v: unknown, max: number): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= max;
}

export function readShardMeta(dir: string): ShardMeta {
  const path = join(dir, FILES.meta);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new SpanError("missing-index", `span shard ${dir} has no ${FILES.meta}`);
  }
  const m = parseChecked(path, text) as unknown as ShardMeta;
  if (m.format !== SHARD_FORMAT) throw corrupt(dir, `format ${String(m.format)}, expected ${SHARD_FORMAT}`);
  if (m.encoding !== ENCODING || m.separator !== SEPARATOR) {
    throw corrupt(dir, `built for ${String(m.encoding)} (separator ${String(m.separator)}), not ${ENCODING}`);
  }
  if (!isCount(m.tokens, MAX_SHARD_TOKENS) || !isCount(m.docs, m.tokens))
    throw corrupt(dir, "bad token/doc counts");
  const f = m.files;
  if (
    typeof f !== "object" ||
    f === null ||
    f.tokens?.bytes !== m.tokens * 4 ||
    f.sa?.bytes !== m.tokens * 4 ||
    f.docs?.bytes !== m.docs * 16
  ) {
    throw corrupt(dir, "file sizes in meta.json do not match its counts");
  }
  return m;
}

/** The contribution id of every document of a shard (reads only meta.json and docs.bin). */
export function readShardDocIds(dir: string): BigUint64Array {
  const meta = readShardMeta(dir);
  const table = new BigUint64Array(readFileChecked(join(dir, FILES.docs), meta.files.docs, true));
  const ids = new BigUint64Array(meta.docs);
  for (let k = 0; k < meta.docs; k++) ids[k] = table[2 * k + 1]!;
  return ids;
}

export function openShard(dir: string, verify: Verify = "full"): Shard {
  assertLittleEndian();
  if (verify !== "full" && verify !== "sizes")
    throw new SpanError("invalid-params", `verify must be full or sizes`);
  const meta = readShardMeta(dir);
  const full = verify === "full";
  const n = meta.tokens;
  const tokens = new Uint32Array(readFileChecked(join(dir, FILES.tokens), meta.files.tokens, full));
  const sa = new Uint32Array(readFileChecked(join(dir, FILES.sa), meta.files.sa, full));
  const table = new BigUint64Array(readFileChecked(join(dir, FILES.docs), meta.files.docs, full));

  // Per-token counts (and a range check of every token), then the SA range of each token.
  const tokenStart = new Uint32Array(TOKEN_BOUND + 2);
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    if (t > SEPARATOR) throw corrupt(dir, `token ${t} at ${i} is out of range`);
    tokenStart[t + 1]!++;
  }
  if (tokenStart[SEPARATOR + 1] !== meta.docs || tokens[n - 1] !== SEPARATOR) {
    throw corrupt(dir, "separators do not match the document count");
  }
  for (let t = 1; t < tokenStart.length; t++) tokenStart[t]! += tokenStart[t - 1]!;
  for (let i = 0; i < n; i++) if (sa[i]! >= n) throw corrupt(dir, `suffix array entry ${i} is out of range`);

  const docStarts = new Uint32Array(meta.docs);
  const docIds = new BigUint64Array(meta.docs);
  for (let k = 0; k < meta.docs; k++) {
    const start = table[2 * k]!;
    const ok =
      k === 0
        ? start === 0n
        : start > BigInt(docStarts[k - 1]!) && start < BigInt(n) && tokens[Number(start) - 1] === SEPARATOR;
    if (!ok) throw corrupt(dir, `document ${k} starts at ${start}, out of order`);
    docStarts[k] = Number(start);
    docIds[k] = table[2 * k + 1]!;
  }
  return { name: basename(dir), dir, meta, tokens, sa, docStarts, docIds, tokenStart };
}
