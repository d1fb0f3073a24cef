// Staking params (set in genesis), power, and the 18-decimal fixed point (the SDK's LegacyDec) of
// commission rates and shares. Integer math only.
import { validateDenom } from "../../node/app/coins.js";

export interface StakingParams {
  bondDenom: string;
  /** Unbonding period in seconds of block time. */
  unbondingTimeSeconds: bigint;
  /** At most this many validators (by power) are in the consensus set. */
  maxValidators: number;
  /** At most this many unbonding entries per (delegator, validator). */
  maxEntries: number;
  /** Share of stake burned on a double sign, in basis points (500 = 5%). */
  slashFractionDoubleSignBps: bigint;
  /** Evidence of an infraction more than this many blocks old is ignored. */
  maxEvidenceAgeBlocks: bigint;
}

export const DEFAULT_PARAMS: StakingParams = {
  bondDenom: "uopen",
  unbondingTimeSeconds: 1_814_400n, // 21 days
  maxValidators: 100,
  maxEntries: 7,
  slashFractionDoubleSignBps: 500n,
  maxEvidenceAgeBlocks: 100_000n,
};

/** The SDK's DefaultPowerReduction: one unit of voting power per 10^6 base units bonded. */
export const POWER_REDUCTION = 1_000_000n;
export const BPS = 10_000n;
export const NS_PER_SECOND = 1_000_000_000n;

export function powerOf(tokens: bigint): bigint {
  return tokens / POWER_REDUCTION;
}

export interface ParamsJson {
  bond_denom: string;
  unbonding_time_seconds: string;
  max_validators: number;
  max_entries: number;
  slash_fraction_double_sign_bps: string;
  max_evidence_age_blocks: string;
}

export function paramsToJson(p: StakingParams): ParamsJson {
  return {
    bond_denom: p.bondDenom,
    unbonding_time_seconds: p.unbondingTimeSeconds.toString(),
    max_validators: p.maxValidators,
    max_entries: p.maxEntries,
    slash_fraction_double_sign_bps: p.slashFractionDoubleSignBps.toString(),
    max_evidence_age_blocks: p.maxEvidenceAgeBlocks.toString(),
  };
}

/** Parses and checks params JSON (missing fields take their defaults); throws naming the field. */
export function paramsFromJson(json: unknown, where = "staking.params"): StakingParams {
  if (json === undefined) return { ...DEFAULT_PARAMS };
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new Error(`${where} must be an object`);
  const o = json as Record<string, unknown>;
  const known = new Set(Object.keys(paramsToJson(DEFAULT_PARAMS)));
  for (const k of Object.keys(o)) if (!known.has(k)) throw new Error(`${where}: unknown field "${k}"`);
  const d = DEFAULT_PARAMS;
  const p: StakingParams = {
    bondDenom: o.bond_denom === undefined ? d.bondDenom : String(o.bond_denom),
    unbondingTimeSeconds: uint(
      o.unbonding_time_seconds,
      d.unbondingTimeSeconds,
      `${where}.unbonding_time_seconds`,
    ),
    maxValidators: Number(uint(o.max_validators, BigInt(d.maxValidators), `${where}.max_validators`)),
    maxEntries: Number(uint(o.max_entries, BigInt(d.maxEntries), `${where}.max_entries`)),
    slashFractionDoubleSignBps: uint(
      o.slash_fraction_double_sign_bps,
      d.slashFractionDoubleSignBps,
      `${where}.slash_fraction_double_sign_bps`,
    ),
    maxEvidenceAgeBlocks: uint(
      o.max_evidence_age_blocks,
      d.maxEvidenceAgeBlocks,
      `${where}.max_evidence_age_blocks`,
    ),
  };
  validateParams(p, where);
  return p;
}

export function validateParams(p: StakingParams, where = "staking.params"): void {
  try {
    validateDenom(p.bondDenom);
  } catch (err) {
    throw new Error(`${where}.bond_denom: ${(err as Error).message}`);
  }
  if (p.unbondingTimeSeconds < 1n || p.unbondingTimeSeconds > 10n ** 10n)
    throw new Error(`${where}.unbonding_time_seconds must be 1..10^10`);
  if (p.maxValidators < 1 || p.maxValidators > 10_000)
    throw new Error(`${where}.max_validators must be 1..10000`);
  if (p.maxEntries < 1 || p.maxEntries > 10_000) throw new Error(`${where}.max_entries must be 1..10000`);
  if (p.slashFractionDoubleSignBps > BPS)
    throw new Error(`${where}.slash_fraction_double_sign_bps must be 0..10000`);
  if (p.maxEvidenceAgeBlocks < 1n) throw new Error(`${where}.max_evidence_age_blocks must be positive`);
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** Store encoding: the JSON form, fields in a fixed order. */
export function encodeParams(p: StakingParams): Uint8Array {
  return utf8.encode(JSON.stringify(paramsToJson(p)));
}

export function decodeParams(raw: Uint8Array): StakingParams {
  return paramsFromJson(JSON.parse(fromUtf8.decode(raw)));
}

function uint(v: unknown, fallback: bigint, what: string): bigint {
  if (v === undefined) return fallback;
  const s = typeof v === "number" && Number.isSafeInteger(v) ? String(v) : v;
  if (typeof s !== "string" || !/^(0|[1-9][0-9]{0,18})$/.test(s))
    throw new Error(`${what} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return BigInt(s);
}

// ---- 18-decimal fixed point (LegacyDec): on the wire as its atomics (an integer string)

export const DEC_ONE = 10n ** 18n;

/** "0.05" → 5×10^16; at most 18 decimals, non-negative. */
export function parseDecText(s: string, what: string): bigint {
  const m = /^(0|[1-9][0-9]{0,30})(?:\.([0-9]{1,18}))?$/.exec(s);
  if (!m)
    throw new Error(
      `${what} must be a non-negative decimal with at most 18 decimals, got ${JSON.stringify(s)}`,
    );
  return BigInt(m[1]!) * DEC_ONE + BigInt((m[2] ?? "").padEnd(18, "0"));
}

/** 5×10^16 → "0.050000000000000000" (the SDK's LegacyDec.String()). */
export function formatDecText(atomics: bigint): string {
  return `${atomics / DEC_ONE}.${(atomics % DEC_ONE).toString().padStart(18, "0")}`;
}
