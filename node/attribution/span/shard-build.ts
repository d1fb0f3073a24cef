// Builds one shard of the span index: tokenize the documents, lay them out in one token array
// (a separator after each document), sort its suffixes with SA-IS, and write the files into a
// temporary directory that is renamed into place when complete (a shard is never half there).
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { threadId } from "node:worker_threads";
import { SpanError } from "./errors.js";
import { assertLittleEndian, fsyncDir, withChecksum, writeFileAtomic } from "./format.js";
import { suffixArray } from "./sais.js";
import { FILES, MAX_SHARD_TOKENS, SHARD_FORMAT, type ShardMeta } from "./shard-meta.js";
import { ENCODING, isTokenId, SEPARATOR, tokenize } from "./tokenizer.js";

/** One document of a contribution (a contribution may have several, e.g. its rows). */
export interface SpanDoc {
  contributionId: bigint;
  /** The text, tokenized with cl100k_base; or `tokens`, already tokenized (ids < TOKEN_BOUND). */
  text?: string;
  tokens?: Uint32Array;
}

export interface BuildProgress {
  phase: "tokenize" | "suffix-array" | "write";
  done: number;
  total: number;
}
export type ProgressFn = (p: BuildProgress) => void;

const U64_MAX = (1n << 64n) - 1n;

function docTokens(doc: SpanDoc, k: number): Uint32Array {
  if (doc === null || typeof doc !== "object")
    throw new SpanError("invalid-input", `document ${k} is not an object`);
  const id = doc.contributionId;
  if (typeof id !== "bigint" || id < 0n || id > U64_MAX) {
    throw new SpanError("invalid-input", `document ${k}: contributionId must be a u64 bigint`);
  }
  if ((doc.text === undefined) === (doc.tokens === undefined)) {
    throw new SpanError("invalid-input", `document ${k}: give exactly one of text or tokens`);
  }
  if (doc.text !== undefined) {
    if (typeof doc.text !== "string")
      throw new SpanError("invalid-input", `document ${k}: text must be a string`);
    return tokenize(doc.text);
  }
  const tokens = doc.tokens;
  if (!(tokens instanceof Uint32Array)) {
    throw new SpanError("invalid-input", `document ${k}: tokens must be a Uint32Array`);
  }
  for (let i = 0; i < tokens.length; i++) {
    if (!isTokenId(tokens[i]!))
      throw new SpanError("invalid-input", `document ${k}: ${tokens[i]} is not a token id`);
  }
  return tokens;
}

/** The token array and document table of `docs`, in the order given. */
export function layoutDocs(
  docs: readonly SpanDoc[],
  onProgress?: ProgressFn,
): { tokens: Uint32Array; table: BigUint64Array } {
  if (!Array.isArray(docs) || docs.length === 0) {
    throw new SpanError("invalid-input", "a shard needs at least one document");
  }
  const parts: Uint32Array[] = [];
  let total = 0;
  const every = Math.max(1, Math.floor(docs.length / 100));
  for (let k = 0; k < docs.length; k++) {
    const t = docTokens(docs[k]!, k);
    parts.push(t);
    total += t.length + 1;
    if (total > MAX_SHARD_TOKENS) {
      throw new SpanError(
        "invalid-input",
        `a shard holds at most ${MAX_SHARD_TOKENS} tokens; split the documents`,
      );
    }
    if (k % every === 0) onProgress?.({ phase: "tokenize", done: k, total: docs.length });
  }
  onProgress?.({ phase: "tokenize", done: docs.length, total: docs.length });
  const tokens = new Uint32Array(total);
  const table = new BigUint64Array(docs.length * 2);
  let at = 0;
  for (let k = 0; k < parts.length; k++) {
    const t = parts[k]!;
    table[2 * k] = BigInt(at);
    table[2 * k + 1] = docs[k]!.contributionId;
    tokens.set(t, at);
    at += t.length;
    tokens[at++] = SEPARATOR;
  }
  return { tokens, table };
}

/** Builds the shard in `dir` (which must not exist) and returns its meta. Blocks the thread. */
export function buildShardSync(dir: string, docs: readonly SpanDoc[], onProgress?: ProgressFn): ShardMeta {
  assertLittleEndian();
  if (existsSync(dir)) throw new SpanError("exists", `span shard ${dir} already exists`);
  const { tokens, table } = layoutDocs(docs, onProgress);
  const sa = suffixArray(tokens, SEPARATOR, (done, total) =>
    onProgress?.({ phase: "suffix-array", done, total }),
  );
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${threadId}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    onProgress?.({ phase: "write", done: 0, total: 4 });
    const tokensInfo = writeFileAtomic(join(tmp, FILES.tokens), tokens);
    onProgress?.({ phase: "write", done: 1, total: 4 });
    const saInfo = writeFileAtomic(join(tmp, FILES.sa), sa);
    onProgress?.({ phase: "write", done: 2, total: 4 });
    const docsInfo = writeFileAtomic(join(tmp, FILES.docs), table);
    onProgress?.({ phase: "write", done: 3, total: 4 });
    const meta: ShardMeta = withChecksum({
      format: SHARD_FORMAT,
      encoding: ENCODING,
      separator: SEPARATOR,
      tokens: tokens.length,
      docs: docs.length,
      files: { tokens: tokensInfo, sa: saInfo, docs: docsInfo },
    });
    writeFileAtomic(join(tmp, FILES.meta), JSON.stringify(meta, null, 2));
    fsyncDir(tmp);
    renameSync(tmp, dir);
    fsyncDir(dirname(dir));
    onProgress?.({ phase: "write", done: 4, total: 4 });
    return meta;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
