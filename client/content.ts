// Choosing how content travels in MsgContribute: inline (UTF-8 text up to the node's
// params.max_inline_bytes, text datanets only) or as a reference (sha256, size, media type).
import { DataType } from "../proto/gen/openledger/datanets/v1/types.js";
import type { ContributeInput } from "./datanets-msgs.js";

const MEDIA_TYPES: Record<string, string> = {
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  html: "text/html",
  json: "application/json",
  jsonl: "application/jsonl",
  pdf: "application/pdf",
  parquet: "application/vnd.apache.parquet",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  wav: "audio/wav",
  mp3: "audio/mpeg",
  flac: "audio/flac",
  ogg: "audio/ogg",
};

/** The media type of a file name by its extension, or undefined when unknown. */
export function guessMediaType(fileName: string): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : MEDIA_TYPES[ext];
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The content part of a ContributeInput for `bytes`: inline when the datanet takes text, the bytes
 * are UTF-8 text of at most maxInlineBytes and the media type is text/*; a reference otherwise
 * (then the bytes go to the content store, and only their sha256 and size are on chain).
 */
export function contentFor(
  bytes: Uint8Array,
  opts: { maxInlineBytes: bigint | number; dataType: DataType; mediaType?: string },
): Pick<ContributeInput, "content" | "inline" | "mediaType"> {
  const mediaType = opts.mediaType ?? (isUtf8(bytes) ? "text/plain" : undefined);
  const inline =
    opts.dataType === DataType.DATA_TYPE_TEXT &&
    BigInt(bytes.length) <= BigInt(opts.maxInlineBytes) &&
    (mediaType ?? "text/plain").startsWith("text/") &&
    isUtf8(bytes);
  return { content: bytes, inline, mediaType };
}
