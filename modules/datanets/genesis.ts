// datanets genesis: types, checks, init and export. The JSON form is in genesis-json.ts.
import { sha256 } from "@noble/hashes/sha2.js";
import { formatAddress, parseAddress } from "../../node/app/address.js";
import { validateDenom } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import {
  type Contribution,
  ContributionStatus,
  type ContributorStats,
  type DailyUsage,
  type Datanet,
  type DatanetVersion,
  type Params,
} from "../../proto/gen/openledger/datanets/v1/types.js";
import { genesisFromJson } from "./genesis-json.js";
import type { DatanetsKeeper } from "./keeper.js";
import * as keys from "./keys.js";
import { DEFAULT_PARAMS, LIMITS, validateParams } from "./params.js";
import * as v from "./validate.js";
import { versionHash } from "./versions.js";

export { genesisToJson } from "./genesis-json.js";

export interface GenesisContribution {
  record: Contribution;
  /** The inline bytes (empty when the content is not inline). */
  inline: Uint8Array;
}

export interface DatanetsGenesis {
  params: Params;
  nextDatanetId: bigint;
  nextContributionId: bigint;
  datanets: Datanet[];
  contributions: GenesisContribution[];
  versions: DatanetVersion[];
  stats: ContributorStats[];
  contributorUsage: { day: bigint; contributor: string; usage: DailyUsage }[];
  datanetUsage: { day: bigint; datanetId: bigint; usage: DailyUsage }[];
}

export function defaultGenesis(): DatanetsGenesis {
  return {
    params: { ...DEFAULT_PARAMS },
    nextDatanetId: 1n,
    nextContributionId: 1n,
    datanets: [],
    contributions: [],
    versions: [],
    stats: [],
    contributorUsage: [],
    datanetUsage: [],
  };
}

export function parseGenesis(json: unknown): DatanetsGenesis {
  const g = genesisFromJson(json);
  validateGenesis(g);
  return g;
}

/** Runs a field check, naming the genesis entry in its error. */
function at(where: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}

const ESCROWED = new Set([
  ContributionStatus.CONTRIBUTION_STATUS_PENDING,
  ContributionStatus.CONTRIBUTION_STATUS_APPROVED,
]);

/** Every record checked on its own and against the others; throws naming the entry. */
export function validateGenesis(g: DatanetsGenesis): void {
  validateParams(g.params);
  if (g.nextDatanetId < 1n || g.nextContributionId < 1n) throw new Error("datanets: next ids start at 1");
  const datanets = new Map<bigint, Datanet>();
  g.datanets.forEach((d, i) => {
    const w = `datanets.datanets[${i}]`;
    if (d.id < 1n || d.id >= g.nextDatanetId) throw new Error(`${w}.id ${d.id} must be 1..next_datanet_id-1`);
    if (datanets.has(d.id)) throw new Error(`${w}: duplicate id ${d.id}`);
    at(w, () => {
      parseAddress(d.owner, "owner");
      v.checkName(d.name);
      v.checkText("summary", d.summary, LIMITS.summaryBytes);
      v.checkText("description", d.description, LIMITS.descriptionBytes, true);
      v.checkTags(d.tags);
      v.checkDomain(d.domain);
      v.checkDataType(d.dataType);
      if (v.parseBond(d.contributionBond).toString() !== d.contributionBond)
        throw new Error(`contribution_bond ${d.contributionBond} is not canonical`);
      v.checkAddressList("curators", d.curators, LIMITS.curators, d.owner);
      v.checkAddressList("allowed_contributors", d.allowedContributors, LIMITS.allowedContributors);
    });
    datanets.set(d.id, d);
  });

  const contributions = new Map<bigint, Contribution>();
  const counts = new Map<bigint, bigint>();
  const hashes = new Set<string>();
  g.contributions.forEach(({ record: c, inline }, i) => {
    const w = `datanets.contributions[${i}]`;
    if (c.id < 1n || c.id >= g.nextContributionId)
      throw new Error(`${w}.id ${c.id} must be 1..next_contribution_id-1`);
    if (contributions.has(c.id)) throw new Error(`${w}: duplicate id ${c.id}`);
    const d = datanets.get(c.datanetId);
    if (!d) throw new Error(`${w}: unknown datanet ${c.datanetId}`);
    at(w, () => {
      parseAddress(c.contributor, "contributor");
      if (c.contentHash.length !== 32) throw new Error("content_hash must be 32 bytes");
      if (c.size === 0n) throw new Error("size must be positive");
      if (c.inline !== inline.length > 0)
        throw new Error("inline_text must be given exactly when inline is true");
      if (c.inline && (!v.equalBytes(sha256(inline), c.contentHash) || BigInt(inline.length) !== c.size))
        throw new Error("inline_text does not match content_hash and size");
      v.checkMediaType(c.mediaType);
      v.checkLicense(c.license);
      v.checkText("metadata", c.metadata, LIMITS.metadataBytes, true);
      if (c.status < 1 || c.status > 5) throw new Error(`status ${c.status} is not a contribution status`);
      if (!/^(0|[1-9][0-9]*)$/.test(c.bondAmount)) throw new Error("bond_amount must be a decimal amount");
      validateDenom(c.bondDenom);
      if (c.reviewer !== "") parseAddress(c.reviewer, "reviewer");
      if (c.flaggedBy !== "") parseAddress(c.flaggedBy, "flagged_by");
      v.checkText("reason", c.reason, LIMITS.reasonBytes, true);
      v.checkText("flag_reason", c.flagReason, LIMITS.reasonBytes, true);
      if (c.includedInVersion > d.latestVersion)
        throw new Error(`included_in_version ${c.includedInVersion} is after the latest version`);
    });
    if (c.status !== ContributionStatus.CONTRIBUTION_STATUS_WITHDRAWN) {
      const key = `${c.datanetId}/${v.hex(c.contentHash)}`;
      if (hashes.has(key))
        throw new Error(`${w}: content ${v.hex(c.contentHash)} twice in datanet ${c.datanetId}`);
      hashes.add(key);
    }
    contributions.set(c.id, c);
    counts.set(c.datanetId, (counts.get(c.datanetId) ?? 0n) + 1n);
  });
  for (const d of datanets.values()) {
    if ((counts.get(d.id) ?? 0n) !== d.contributionCount)
      throw new Error(
        `datanets: datanet ${d.id} has contribution_count ${d.contributionCount}, found ${counts.get(d.id) ?? 0n}`,
      );
  }

  const versions = new Set<string>();
  g.versions.forEach((ver, i) => {
    const w = `datanets.versions[${i}]`;
    const d = datanets.get(ver.datanetId);
    if (!d) throw new Error(`${w}: unknown datanet ${ver.datanetId}`);
    if (ver.version < 1n || ver.version > d.latestVersion)
      throw new Error(`${w}: version ${ver.version} is not 1..${d.latestVersion} of datanet ${d.id}`);
    const key = `${ver.datanetId}/${ver.version}`;
    if (versions.has(key)) throw new Error(`${w}: duplicate version ${key}`);
    versions.add(key);
    const entries = ver.contributionIds.map((id, j) => {
      const c = contributions.get(id);
      if (!c || c.datanetId !== d.id) throw new Error(`${w}: contribution ${id} is not in datanet ${d.id}`);
      if (j > 0 && id <= ver.contributionIds[j - 1]!) throw new Error(`${w}: contribution_ids must ascend`);
      return { id, hash: c.contentHash };
    });
    if (!v.equalBytes(versionHash(entries), ver.hash))
      throw new Error(`${w}: hash does not commit to its contributions`);
  });
  for (const d of datanets.values()) {
    for (let n = 1n; n <= d.latestVersion; n++) {
      if (!versions.has(`${d.id}/${n}`)) throw new Error(`datanets: datanet ${d.id} lacks version ${n}`);
    }
  }

  const seen = new Set<string>();
  const once = (key: string, what: string) => {
    if (seen.has(key)) throw new Error(`datanets: duplicate ${what}`);
    seen.add(key);
  };
  g.stats.forEach((s, i) => {
    at(`datanets.stats[${i}]`, () => parseAddress(s.contributor, "contributor"));
    once(`stats/${s.contributor}`, `stats for ${s.contributor}`);
  });
  g.contributorUsage.forEach((x, i) => {
    at(`datanets.contributor_usage[${i}]`, () => parseAddress(x.contributor, "contributor"));
    once(`cu/${x.day}/${x.contributor}`, `contributor_usage for ${x.contributor} on day ${x.day}`);
  });
  g.datanetUsage.forEach((x, i) => {
    if (!datanets.has(x.datanetId))
      throw new Error(`datanets.datanet_usage[${i}]: unknown datanet ${x.datanetId}`);
    once(`du/${x.day}/${x.datanetId}`, `datanet_usage for ${x.datanetId} on day ${x.day}`);
  });
}

export function initGenesis(keeper: DatanetsKeeper, ctx: Context, g: DatanetsGenesis): void {
  keeper.setParams(ctx, g.params);
  keeper.setCounter(ctx, keys.NEXT_DATANET_ID_KEY, g.nextDatanetId);
  keeper.setCounter(ctx, keys.NEXT_CONTRIBUTION_ID_KEY, g.nextContributionId);
  for (const d of g.datanets) keeper.setDatanet(ctx, d);
  const escrowed = new Map<string, bigint>([[g.params.bondDenom, 0n]]);
  for (const { record, inline } of g.contributions) {
    keeper.addContribution(ctx, record, inline);
    if (ESCROWED.has(record.status))
      escrowed.set(record.bondDenom, (escrowed.get(record.bondDenom) ?? 0n) + BigInt(record.bondAmount));
  }
  for (const ver of g.versions) keeper.setVersion(ctx, ver);
  for (const s of g.stats) keeper.setStats(ctx, s);
  for (const x of g.contributorUsage)
    keeper.setUsage(ctx, keys.contributorUsageKey(x.day, parseAddress(x.contributor)), x.usage);
  for (const x of g.datanetUsage) keeper.setUsage(ctx, keys.datanetUsageKey(x.day, x.datanetId), x.usage);
  // Bank's genesis ran first: the escrow must hold exactly the bonds of pending and approved ones.
  for (const [denom, amount] of escrowed) {
    const held = keeper.bank.getBalance(ctx, keeper.escrow, denom);
    if (held !== amount) {
      throw new Error(
        `datanets genesis: the escrow ${formatAddress(keeper.escrow)} holds ${held}${denom}, ` +
          `the pending and approved contributions' bonds are ${amount}${denom}`,
      );
    }
  }
}

export function exportGenesis(keeper: DatanetsKeeper, ctx: Context): DatanetsGenesis {
  const contributions = [...keeper.contributions(ctx)].map((record) => ({
    record,
    inline: keeper.getInlineContent(ctx, record.id) ?? new Uint8Array(0),
  }));
  return {
    params: keeper.getParams(ctx),
    nextDatanetId: keeper.getCounter(ctx, keys.NEXT_DATANET_ID_KEY),
    nextContributionId: keeper.getCounter(ctx, keys.NEXT_CONTRIBUTION_ID_KEY),
    datanets: [...keeper.datanets(ctx)],
    contributions,
    versions: [...keeper.versions(ctx)],
    stats: [...keeper.allStats(ctx)],
    contributorUsage: keeper.usageEntries(ctx, keys.CONTRIBUTOR_USAGE_PREFIX).map(([k, usage]) => ({
      day: keys.readU64be(k),
      contributor: formatAddress(k.subarray(8)),
      usage,
    })),
    datanetUsage: keeper.usageEntries(ctx, keys.DATANET_USAGE_PREFIX).map(([k, usage]) => ({
      day: keys.readU64be(k),
      datanetId: keys.readU64be(k, 8),
      usage,
    })),
  };
}
