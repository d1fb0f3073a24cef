// The tokenizer of the span index: OpenAI's cl100k_base BPE from gpt-tokenizer (its merge table
// ships inside the npm package; nothing is downloaded). Special-token strings such as
// "<|endoftext|>" are tokenized as plain text, so ids stay below 100,256; the bound below also
// covers cl100k's special ids (up to 100,276) for token arrays handed in directly.
import { decode, encode } from "gpt-tokenizer/encoding/cl100k_base";

export const ENCODING = "cl100k_base";
/** Every token id is below this bound. */
export const TOKEN_BOUND = 100_277;
/** The separator written after each document in a token array; no tokenizer output equals it. */
export const SEPARATOR = TOKEN_BOUND;

const PLAIN = { disallowedSpecial: new Set<string>() };

const FIRST_SPECIAL = 100_256;
let specials: Uint8Array | undefined;

/** Whether t is an id cl100k_base defines (the special ids have gaps). */
export function isTokenId(t: number): boolean {
  if (t < FIRST_SPECIAL) return t >= 0;
  if (t >= TOKEN_BOUND) return false;
  specials ??= Uint8Array.from({ length: TOKEN_BOUND - FIRST_SPECIAL }, (_, k) => {
    try {
      decode([FIRST_SPECIAL + k]);
      return 1;
    } catch {
      return 0;
    }
  });
  return specials[t - FIRST_SPECIAL] === 1;
}

export function tokenize(text: string): Uint32Array {
  return Uint32Array.from(encode(text, PLAIN));
}

export function detokenize(tokens: ArrayLike<number>): string {
  return decode(Array.from(tokens));
}
