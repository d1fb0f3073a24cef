// Parameters of a span attribution (OLMoTrace step 2), integers only; checkParams fills defaults
// and refuses anything else with a SpanError("invalid-params").
import { SpanError } from "./errors.js";

export interface Rational {
  num: number;
  den: number;
}

export interface SpanParams {
  /** A span shorter than this many tokens is ignored. */
  minSpanTokens: number;
  /** A span occurring more often than this in the (live) datanet is too common to credit. */
  maxSpanCount: number;
  /** Span density: at most ceil(num × outputTokens / den) spans are kept (the rarest). */
  maxSpansPerToken: Rational;
  /** Longest output accepted, in tokens (its text may hold at most 32 characters a token). */
  maxOutputTokens: number;
}

export const DEFAULT_SPAN_PARAMS: Readonly<SpanParams> = Object.freeze({
  minSpanTokens: 8,
  maxSpanCount: 10,
  maxSpansPerToken: Object.freeze({ num: 5, den: 100 }),
  maxOutputTokens: 4096,
});

export const PARAM_LIMITS = Object.freeze({
  minSpanTokens: 4096,
  maxSpanCount: 1000,
  densityDen: 1_000_000,
  maxOutputTokens: 65_536,
  charsPerToken: 32,
});

function int(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new SpanError("invalid-params", `${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

export function checkParams(p: Partial<SpanParams> = {}): SpanParams {
  if (p === null || typeof p !== "object") throw new SpanError("invalid-params", "params must be an object");
  for (const key of Object.keys(p)) {
    if (!(key in DEFAULT_SPAN_PARAMS)) throw new SpanError("invalid-params", `unknown parameter ${key}`);
  }
  const d = p.maxSpansPerToken ?? DEFAULT_SPAN_PARAMS.maxSpansPerToken;
  if (d === null || typeof d !== "object") {
    throw new SpanError("invalid-params", "maxSpansPerToken must be a rational { num, den }");
  }
  const den = int("maxSpansPerToken.den", d.den, 1, PARAM_LIMITS.densityDen);
  const num = int("maxSpansPerToken.num", d.num, 1, den);
  return {
    minSpanTokens: int(
      "minSpanTokens",
      p.minSpanTokens ?? DEFAULT_SPAN_PARAMS.minSpanTokens,
      1,
      PARAM_LIMITS.minSpanTokens,
    ),
    maxSpanCount: int(
      "maxSpanCount",
      p.maxSpanCount ?? DEFAULT_SPAN_PARAMS.maxSpanCount,
      1,
      PARAM_LIMITS.maxSpanCount,
    ),
    maxSpansPerToken: { num, den },
    maxOutputTokens: int(
      "maxOutputTokens",
      p.maxOutputTokens ?? DEFAULT_SPAN_PARAMS.maxOutputTokens,
      1,
      PARAM_LIMITS.maxOutputTokens,
    ),
  };
}

/** How many spans an output of `tokens` tokens keeps: ceil(num × tokens / den), exact. */
export function spanBudget(params: SpanParams, tokens: number): number {
  const { num, den } = params.maxSpansPerToken;
  return Math.floor((num * tokens + den - 1) / den);
}
