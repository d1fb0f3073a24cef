// Where a span stands in the output text: the character offsets of its tokens, for display (the
// CLI's `attribution explain` and the explorer). Plain functions of the tokenizer, browser-safe.
import { detokenize } from "./tokenizer.js";

/**
 * [start, end) of `text` in `output`, trimmed of surrounding spaces: at the length of the tokens
 * decoded up to the span's first token, else its first occurrence; nulls when it is not found.
 */
export function placeSpan(
  output: string,
  tokens: Uint32Array,
  span: { start: number; text: string },
): { start: number | null; end: number | null } {
  let start = detokenize(tokens.subarray(0, span.start)).length;
  if (!output.startsWith(span.text, start)) start = output.indexOf(span.text);
  if (start < 0) return { start: null, end: null };
  let end = start + span.text.length;
  while (start < end && /\s/.test(output[start]!)) start++;
  while (end > start && /\s/.test(output[end - 1]!)) end--;
  return { start, end };
}
