// Shared helpers of the span attribution tests: temporary roots, in-memory indexes from documents.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { liveIndex, type SpanIndex } from "../../../node/attribution/span/live-index.js";
import { buildShardSync, type SpanDoc } from "../../../node/attribution/span/shard-build.js";
import { openShard } from "../../../node/attribution/span/shard-open.js";
import { tokenize } from "../../../node/attribution/span/tokenizer.js";

const roots: string[] = [];

export function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "span-test-"));
  roots.push(dir);
  return dir;
}

export function cleanRoots(): void {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** An index of one shard per group of documents (built on disk, opened with full checks). */
export function indexOf(groups: SpanDoc[][], excluded: bigint[] = [], version = "t"): SpanIndex {
  const root = tempRoot();
  const shards = groups.map((docs, k) => {
    const dir = join(root, `s${k}`);
    buildShardSync(dir, docs);
    return openShard(dir);
  });
  return liveIndex(version, shards, excluded);
}

/** Single-token ids of words with a leading space (" a", " b", ...): every position a boundary. */
export function wordTokens(words: string[]): number[] {
  return words.map((w) => {
    const t = tokenize(` ${w}`);
    if (t.length !== 1) throw new Error(`" ${w}" is not one token`);
    return t[0]!;
  });
}

export const doc = (id: bigint, text: string): SpanDoc => ({ contributionId: id, text });
