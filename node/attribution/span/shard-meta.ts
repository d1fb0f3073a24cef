// The files of one shard directory and its meta.json (format, sizes, sha256 of each file).
import type { FileInfo } from "./format.js";

export const SHARD_FORMAT = "openledger-span-shard/1";

export const FILES = {
  /** u32 LE token ids; a SEPARATOR after each document. */
  tokens: "tokens.u32",
  /** u32 LE suffix array over tokens.u32 (every position, separators included). */
  sa: "sa.u32",
  /** per document, two u64 LE: first token position, contribution id; positions increasing. */
  docs: "docs.bin",
  meta: "meta.json",
} as const;

/** Tokens per shard (separators included): SA-IS works on 31-bit signed positions. */
export const MAX_SHARD_TOKENS = 0x7ffffffe;

export interface ShardMeta {
  format: string;
  encoding: string;
  separator: number;
  tokens: number;
  docs: number;
  files: { tokens: FileInfo; sa: FileInfo; docs: FileInfo };
  checksum: string;
}
