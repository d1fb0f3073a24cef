// Attribution params (set in genesis): the fee split in basis points, the output cap, the result
// window, the contributor penalty and the validator slashes. Integer math only.
import { validateDenom } from "../../node/app/coins.js";
import type { Params } from "../../proto/gen/openledger/attribution/v1/types.js";

export const BPS = 10_000n;

export const DEFAULT_PARAMS: Params = {
  feeDenom: "uopen",
  ownerBps: 2000,
  contributorsBps: 5000,
  validatorsBps: 2000,
  treasuryBps: 1000,
  maxOutputBytes: 65_536n,
  resultWindowBlocks: 50n,
  maxEntries: 256,
  penaltyFlagThreshold: 3n,
  penaltyBps: 5000,
  slashDisagreeBps: 0,
  slashMissedBps: 0,
};

/** Throws a plain Error naming the param (genesis). */
export function validateParams(p: Params): void {
  try {
    validateDenom(p.feeDenom);
  } catch (err) {
    throw new Error(`attribution.params.fee_denom: ${(err as Error).message}`);
  }
  const bps: [string, number][] = [
    ["owner_bps", p.ownerBps],
    ["contributors_bps", p.contributorsBps],
    ["validators_bps", p.validatorsBps],
    ["treasury_bps", p.treasuryBps],
    ["penalty_bps", p.penaltyBps],
    ["slash_disagree_bps", p.slashDisagreeBps],
    ["slash_missed_bps", p.slashMissedBps],
  ];
  for (const [name, v] of bps) {
    if (!Number.isInteger(v) || v < 0 || v > 10_000)
      throw new Error(`attribution.params.${name} must be 0..10000, got ${v}`);
  }
  const split = p.ownerBps + p.contributorsBps + p.validatorsBps + p.treasuryBps;
  if (split !== 10_000)
    throw new Error(
      `attribution.params: owner_bps + contributors_bps + validators_bps + treasury_bps must be 10000, got ${split}`,
    );
  if (p.maxOutputBytes < 1n) throw new Error("attribution.params.max_output_bytes must be positive");
  if (p.resultWindowBlocks < 1n) throw new Error("attribution.params.result_window_blocks must be positive");
  if (p.maxEntries < 1 || p.maxEntries > 10_000)
    throw new Error(`attribution.params.max_entries must be 1..10000, got ${p.maxEntries}`);
}

/** floor(amount × bps / 10000). */
export function bpsOf(amount: bigint, bps: number | bigint): bigint {
  return (amount * BigInt(bps)) / BPS;
}
