// From float influence scores to the integer result validators compare.
//
// Rounding (all after the scores are known, in float64):
// 1. Only positive influence is rewarded. m = the largest score; if m ≤ 0 (or there are no
//    scores) the result is empty.
// 2. Each positive score becomes a level q = round(s / m · 1024) (Math.round: halves up); levels of
//    0 are dropped. Float noise only matters where a ratio lies within that noise of a level
//    boundary (steps of 1/1024 of the top score).
// 3. The topK largest levels are kept (ties: smaller contribution id first).
// 4. Basis points by largest remainder, in exact integer arithmetic: bps = floor(q·10000 / Σq),
//    then the leftover points go one each to the largest remainders (q·10000 mod Σq), ties to the
//    smaller contribution id. Entries left with 0 bps are dropped; the rest sum to exactly 10000.
import { sha256 } from "@noble/hashes/sha2.js";

export const SCORE_LEVELS = 1024;
export const TOTAL_BPS = 10_000;
export const DEFAULT_TOP_K = 32;
export const MAX_TOP_K = 1000;

export type InfluenceMethod = "exact" | "trak";
export const METHOD_CODE: Record<InfluenceMethod, number> = { exact: 1, trak: 2 };

export interface Contribution {
  contributionId: bigint;
  bps: number;
}

export interface InfluenceResult {
  method: InfluenceMethod;
  /** sha256 of the model's ONNX artifact. */
  modelSha256: Uint8Array;
  /** sha256 of the output's input text (UTF-8). */
  inputSha256: Uint8Array;
  /** The label whose loss the influence is measured on (the inference's output). */
  label: string;
  /** Rewarded contributions, bps descending then id ascending; bps sum to 10000, or empty. */
  contributions: Contribution[];
}

const byId = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Quantised, rewarded contributions from raw scores (see the header for the exact rules). */
export function basisPoints(
  ids: readonly bigint[],
  scores: ArrayLike<number>,
  topK: number = DEFAULT_TOP_K,
): Contribution[] {
  if (ids.length !== scores.length) throw new Error(`${ids.length} ids for ${scores.length} scores`);
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    throw new Error(`topK must be an integer in [1, ${MAX_TOP_K}], got ${topK}`);
  }
  let max = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s)) throw new Error(`influence score of contribution ${ids[i]} is not finite`);
    if (s > max) max = s;
  }
  if (!(max > 0)) return [];
  const levels: { id: bigint; q: number }[] = [];
  for (let i = 0; i < scores.length; i++) {
    const q = Math.round((scores[i]! / max) * SCORE_LEVELS);
    if (q >= 1) levels.push({ id: ids[i]!, q });
  }
  levels.sort((a, b) => b.q - a.q || byId(a.id, b.id));
  const kept = levels.slice(0, topK);
  const total = kept.reduce((s, e) => s + e.q, 0);
  const shares = kept.map((e) => ({
    id: e.id,
    bps: Math.floor((e.q * TOTAL_BPS) / total),
    rem: (e.q * TOTAL_BPS) % total,
  }));
  let left = TOTAL_BPS - shares.reduce((s, e) => s + e.bps, 0);
  const byRemainder = [...shares].sort((a, b) => b.rem - a.rem || byId(a.id, b.id));
  for (const e of byRemainder) {
    if (left === 0) break;
    e.bps += 1;
    left -= 1;
  }
  return shares
    .filter((e) => e.bps > 0)
    .sort((a, b) => b.bps - a.bps || byId(a.id, b.id))
    .map((e) => ({ contributionId: e.id, bps: e.bps }));
}

const DOMAIN = new TextEncoder().encode("openledger/influence-result/v1");

/**
 * Canonical bytes of a result: "openledger/influence-result/v1" ‖ u8 method (1 exact, 2 trak) ‖
 * model sha256 ‖ input sha256 ‖ u8 len(label) ‖ label (UTF-8) ‖ u16be count ‖ count ×
 * (u64be contribution id ‖ u16be bps), entries in ascending contribution id.
 */
export function encodeResult(r: InfluenceResult): Uint8Array {
  if (!Object.hasOwn(METHOD_CODE, r.method)) throw new Error(`unknown influence method ${r.method}`);
  if (r.modelSha256.length !== 32 || r.inputSha256.length !== 32) throw new Error("hashes must be 32 bytes");
  const label = new TextEncoder().encode(r.label);
  if (label.length < 1 || label.length > 255) throw new Error("label must be 1-255 bytes");
  const entries = [...r.contributions].sort((a, b) => byId(a.contributionId, b.contributionId));
  let sum = 0;
  entries.forEach((e, i) => {
    if (!Number.isInteger(e.bps) || e.bps < 1 || e.bps > TOTAL_BPS) throw new Error(`bad bps ${e.bps}`);
    if (e.contributionId < 1n || e.contributionId >= 1n << 64n) throw new Error("bad contribution id");
    if (i > 0 && entries[i - 1]!.contributionId === e.contributionId)
      throw new Error("duplicate contribution");
    sum += e.bps;
  });
  if (entries.length > 0 && sum !== TOTAL_BPS) throw new Error(`bps sum to ${sum}, not ${TOTAL_BPS}`);
  const out = new Uint8Array(DOMAIN.length + 1 + 64 + 1 + label.length + 2 + entries.length * 10);
  const view = new DataView(out.buffer);
  let o = 0;
  out.set(DOMAIN, o);
  o += DOMAIN.length;
  out[o++] = METHOD_CODE[r.method];
  out.set(r.modelSha256, o);
  out.set(r.inputSha256, o + 32);
  o += 64;
  out[o++] = label.length;
  out.set(label, o);
  o += label.length;
  view.setUint16(o, entries.length);
  o += 2;
  for (const e of entries) {
    view.setBigUint64(o, e.contributionId);
    view.setUint16(o + 8, e.bps);
    o += 10;
  }
  return out;
}

/** sha256 of encodeResult: what validators sign and compare. */
export function resultHash(r: InfluenceResult): Uint8Array {
  return sha256(encodeResult(r));
}
