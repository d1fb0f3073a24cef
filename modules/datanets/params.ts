// Params (set in genesis) and the fixed limits of datanet fields.
import { validateDenom } from "../../node/app/coins.js";
import type { Params } from "../../proto/gen/openledger/datanets/v1/types.js";

const MIB = 1024n * 1024n;

/** Defaults after the seed system: 10 MB and 20 files per user per day, 10 MB per datanet. */
export const DEFAULT_PARAMS: Params = {
  bondDenom: "uopen",
  maxInlineBytes: 64n * 1024n,
  maxContentBytes: 5n * MIB,
  contributorDailyBytes: 10n * MIB,
  contributorDailyFiles: 20n,
  datanetDailyBytes: 10n * MIB,
  datanetDailyFiles: 1000n,
};

/** Inline content travels in a tx: never more than this, whatever the params say. */
export const MAX_INLINE_BYTES_LIMIT = 1n * MIB;

export const LIMITS = {
  nameMin: 3,
  nameMax: 64,
  summaryBytes: 280,
  descriptionBytes: 8192,
  tags: 8,
  tagChars: 32,
  domainChars: 32,
  curators: 16,
  allowedContributors: 128,
  licenseChars: 64,
  metadataBytes: 2048,
  reasonBytes: 512,
  maxScore: 100,
} as const;

export const SECONDS_PER_DAY = 86_400n;
const NS_PER_DAY = SECONDS_PER_DAY * 1_000_000_000n;

/** The day a block belongs to: floor(block time / 86400 s), from the header, never the clock. */
export function dayOf(timeNs: bigint): bigint {
  return timeNs <= 0n ? 0n : timeNs / NS_PER_DAY;
}

/** Throws a plain Error naming the bad field (genesis input). */
export function validateParams(p: Params, where = "datanets.params"): void {
  try {
    validateDenom(p.bondDenom);
  } catch (err) {
    throw new Error(`${where}.bond_denom: ${(err as Error).message}`);
  }
  const positive: [keyof Params, string][] = [
    ["maxInlineBytes", "max_inline_bytes"],
    ["maxContentBytes", "max_content_bytes"],
    ["contributorDailyBytes", "contributor_daily_bytes"],
    ["contributorDailyFiles", "contributor_daily_files"],
    ["datanetDailyBytes", "datanet_daily_bytes"],
    ["datanetDailyFiles", "datanet_daily_files"],
  ];
  for (const [field, name] of positive) {
    if ((p[field] as bigint) <= 0n) throw new Error(`${where}.${name} must be positive`);
  }
  if (p.maxInlineBytes > MAX_INLINE_BYTES_LIMIT)
    throw new Error(`${where}.max_inline_bytes must be at most ${MAX_INLINE_BYTES_LIMIT}`);
  if (p.maxInlineBytes > p.maxContentBytes)
    throw new Error(`${where}.max_inline_bytes must not exceed max_content_bytes`);
}
