// Span attribution for large models (Infini-gram index, OLMoTrace spans): the public surface.
export { attributeOutput, attributeTokens, countOccurrences } from "./attribute.js";
export { SpanError, type SpanErrorCode } from "./errors.js";
export { liveIndex, type SpanIndex } from "./live-index.js";
export { naiveAttributeTokens } from "./naive.js";
export { checkParams, DEFAULT_SPAN_PARAMS, type Rational, type SpanParams } from "./params.js";
export { encodeResult, resultHash } from "./result.js";
export type { Span, SpanResult, Weight } from "./select.js";
export { type BuildProgress, buildShardSync, type ProgressFn, type SpanDoc } from "./shard-build.js";
export { type BuildOptions, buildShard } from "./shard-build-async.js";
export { openShard, type Shard, type Verify } from "./shard-open.js";
export { detokenize, ENCODING, TOKEN_BOUND, tokenize } from "./tokenizer.js";
export {
  type BuildVersionOptions,
  buildVersion,
  openIndex,
  readManifest,
  type VersionManifest,
} from "./versions.js";
