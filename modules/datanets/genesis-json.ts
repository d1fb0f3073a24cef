// The datanets genesis as JSON (snake_case, uint64 as decimal strings, hashes as hex, enums by
// name, inline content as its UTF-8 text), and back. Shapes only: genesis.ts checks the content.
import {
  type Contribution,
  ContributionStatus,
  type ContributorStats,
  type Datanet,
  type DatanetVersion,
  DataType,
  type Params,
} from "../../proto/gen/openledger/datanets/v1/types.js";
import { asObject, uint } from "../auth/genesis.js";
import type { DatanetsGenesis, GenesisContribution } from "./genesis.js";
import { DEFAULT_PARAMS } from "./params.js";

type Json = Record<string, unknown>;
const utf8 = new TextEncoder();
const text = new TextDecoder("utf-8", { ignoreBOM: true });

function list(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${what} must be an array`);
  return v;
}

function str(v: unknown, what: string): string {
  if (v === undefined) return "";
  if (typeof v !== "string") throw new Error(`${what} must be a string`);
  return v;
}

function strings(v: unknown, what: string): string[] {
  return list(v, what).map((x, i) => str(x, `${what}[${i}]`));
}

function bool(v: unknown, what: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw new Error(`${what} must be a boolean`);
  return v;
}

function hexBytes(v: unknown, what: string): Uint8Array {
  const s = str(v, what);
  if (!/^([0-9a-f]{2})*$/.test(s)) throw new Error(`${what} must be lowercase hex`);
  return Uint8Array.from(Buffer.from(s, "hex"));
}

function enumOf<E extends Record<string, string | number>>(e: E, v: unknown, what: string): number {
  const value = e[String(v)];
  if (typeof value !== "number" || value < 0) throw new Error(`${what}: unknown value ${JSON.stringify(v)}`);
  return value;
}

const u = (o: Json, key: string, what: string) => uint(o[key], 0n, `${what}.${key}`);

function parseParams(v: unknown): Params {
  if (v === undefined) return { ...DEFAULT_PARAMS };
  const p = asObject(v, "datanets.params");
  const d = DEFAULT_PARAMS;
  const w = "datanets.params";
  return {
    bondDenom: p.bond_denom === undefined ? d.bondDenom : str(p.bond_denom, `${w}.bond_denom`),
    maxInlineBytes: uint(p.max_inline_bytes, d.maxInlineBytes, `${w}.max_inline_bytes`),
    maxContentBytes: uint(p.max_content_bytes, d.maxContentBytes, `${w}.max_content_bytes`),
    contributorDailyBytes: uint(
      p.contributor_daily_bytes,
      d.contributorDailyBytes,
      `${w}.contributor_daily_bytes`,
    ),
    contributorDailyFiles: uint(
      p.contributor_daily_files,
      d.contributorDailyFiles,
      `${w}.contributor_daily_files`,
    ),
    datanetDailyBytes: uint(p.datanet_daily_bytes, d.datanetDailyBytes, `${w}.datanet_daily_bytes`),
    datanetDailyFiles: uint(p.datanet_daily_files, d.datanetDailyFiles, `${w}.datanet_daily_files`),
  };
}

function parseDatanet(o: Json, w: string): Datanet {
  return {
    id: u(o, "id", w),
    owner: str(o.owner, `${w}.owner`),
    name: str(o.name, `${w}.name`),
    summary: str(o.summary, `${w}.summary`),
    description: str(o.description, `${w}.description`),
    tags: strings(o.tags, `${w}.tags`),
    domain: str(o.domain, `${w}.domain`),
    dataType: enumOf(DataType, o.data_type, `${w}.data_type`),
    permissioned: bool(o.permissioned, `${w}.permissioned`),
    needsApproval: bool(o.needs_approval, `${w}.needs_approval`),
    contributionBond:
      o.contribution_bond === undefined ? "0" : str(o.contribution_bond, `${w}.contribution_bond`),
    curators: strings(o.curators, `${w}.curators`),
    allowedContributors: strings(o.allowed_contributors, `${w}.allowed_contributors`),
    latestVersion: u(o, "latest_version", w),
    contributionCount: u(o, "contribution_count", w),
    createdHeight: u(o, "created_height", w),
    createdTimeNs: u(o, "created_time_ns", w),
  };
}

function parseContribution(o: Json, w: string): GenesisContribution {
  const score = uint(o.score, 0n, `${w}.score`);
  if (score > 100n) throw new Error(`${w}.score must be 0-100`);
  const record: Contribution = {
    id: u(o, "id", w),
    datanetId: u(o, "datanet_id", w),
    contributor: str(o.contributor, `${w}.contributor`),
    contentHash: hexBytes(o.content_hash, `${w}.content_hash`),
    size: u(o, "size", w),
    mediaType: str(o.media_type, `${w}.media_type`),
    inline: bool(o.inline, `${w}.inline`),
    license: str(o.license, `${w}.license`),
    metadata: str(o.metadata, `${w}.metadata`),
    status: enumOf(ContributionStatus, o.status, `${w}.status`),
    bondAmount: o.bond_amount === undefined ? "0" : str(o.bond_amount, `${w}.bond_amount`),
    bondDenom: str(o.bond_denom, `${w}.bond_denom`),
    submittedHeight: u(o, "submitted_height", w),
    submittedTimeNs: u(o, "submitted_time_ns", w),
    reviewer: str(o.reviewer, `${w}.reviewer`),
    score: Number(score),
    reason: str(o.reason, `${w}.reason`),
    reviewedHeight: u(o, "reviewed_height", w),
    includedInVersion: u(o, "included_in_version", w),
    flaggedBy: str(o.flagged_by, `${w}.flagged_by`),
    flagReason: str(o.flag_reason, `${w}.flag_reason`),
    flaggedHeight: u(o, "flagged_height", w),
  };
  return { record, inline: utf8.encode(str(o.inline_text, `${w}.inline_text`)) };
}

function parseVersion(o: Json, w: string): DatanetVersion {
  return {
    datanetId: u(o, "datanet_id", w),
    version: u(o, "version", w),
    contributionIds: list(o.contribution_ids, `${w}.contribution_ids`).map((x, i) =>
      uint(x, 0n, `${w}.contribution_ids[${i}]`),
    ),
    hash: hexBytes(o.hash, `${w}.hash`),
    height: u(o, "height", w),
    timeNs: u(o, "time_ns", w),
  };
}

function parseStats(o: Json, w: string): ContributorStats {
  return {
    contributor: str(o.contributor, `${w}.contributor`),
    contributions: u(o, "contributions", w),
    bytes: u(o, "bytes", w),
    approvals: u(o, "approvals", w),
    rejections: u(o, "rejections", w),
    flags: u(o, "flags", w),
    withdrawals: u(o, "withdrawals", w),
    rewardsEarned: uint(o.rewards_earned ?? "0", 0n, `${w}.rewards_earned`).toString(),
  };
}

/** JSON → typed genesis; only shapes and number formats are checked here. */
export function genesisFromJson(json: unknown): DatanetsGenesis {
  const g = asObject(json, "datanets genesis");
  const each = <T>(key: string, f: (o: Json, w: string) => T): T[] =>
    list(g[key], `datanets.${key}`).map((x, i) =>
      f(asObject(x, `datanets.${key}[${i}]`), `datanets.${key}[${i}]`),
    );
  return {
    params: parseParams(g.params),
    nextDatanetId: uint(g.next_datanet_id, 1n, "datanets.next_datanet_id"),
    nextContributionId: uint(g.next_contribution_id, 1n, "datanets.next_contribution_id"),
    datanets: each("datanets", parseDatanet),
    contributions: each("contributions", parseContribution),
    versions: each("versions", parseVersion),
    stats: each("stats", parseStats),
    contributorUsage: each("contributor_usage", (o, w) => ({
      day: u(o, "day", w),
      contributor: str(o.contributor, `${w}.contributor`),
      usage: { bytes: u(o, "bytes", w), files: u(o, "files", w) },
    })),
    datanetUsage: each("datanet_usage", (o, w) => ({
      day: u(o, "day", w),
      datanetId: u(o, "datanet_id", w),
      usage: { bytes: u(o, "bytes", w), files: u(o, "files", w) },
    })),
  };
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");

export function genesisToJson(g: DatanetsGenesis): unknown {
  const p = g.params;
  return {
    params: {
      bond_denom: p.bondDenom,
      max_inline_bytes: p.maxInlineBytes.toString(),
      max_content_bytes: p.maxContentBytes.toString(),
      contributor_daily_bytes: p.contributorDailyBytes.toString(),
      contributor_daily_files: p.contributorDailyFiles.toString(),
      datanet_daily_bytes: p.datanetDailyBytes.toString(),
      datanet_daily_files: p.datanetDailyFiles.toString(),
    },
    next_datanet_id: g.nextDatanetId.toString(),
    next_contribution_id: g.nextContributionId.toString(),
    datanets: g.datanets.map((d) => ({
      id: d.id.toString(),
      owner: d.owner,
      name: d.name,
      summary: d.summary,
      description: d.description,
      tags: d.tags,
      domain: d.domain,
      data_type: DataType[d.dataType],
      permissioned: d.permissioned,
      needs_approval: d.needsApproval,
      contribution_bond: d.contributionBond,
      curators: d.curators,
      allowed_contributors: d.allowedContributors,
      latest_version: d.latestVersion.toString(),
      contribution_count: d.contributionCount.toString(),
      created_height: d.createdHeight.toString(),
      created_time_ns: d.createdTimeNs.toString(),
    })),
    contributions: g.contributions.map(({ record: c, inline }) => ({
      id: c.id.toString(),
      datanet_id: c.datanetId.toString(),
      contributor: c.contributor,
      content_hash: hexOf(c.contentHash),
      size: c.size.toString(),
      media_type: c.mediaType,
      inline: c.inline,
      inline_text: text.decode(inline),
      license: c.license,
      metadata: c.metadata,
      status: ContributionStatus[c.status],
      bond_amount: c.bondAmount,
      bond_denom: c.bondDenom,
      submitted_height: c.submittedHeight.toString(),
      submitted_time_ns: c.submittedTimeNs.toString(),
      reviewer: c.reviewer,
      score: c.score.toString(),
      reason: c.reason,
      reviewed_height: c.reviewedHeight.toString(),
      included_in_version: c.includedInVersion.toString(),
      flagged_by: c.flaggedBy,
      flag_reason: c.flagReason,
      flagged_height: c.flaggedHeight.toString(),
    })),
    versions: g.versions.map((v) => ({
      datanet_id: v.datanetId.toString(),
      version: v.version.toString(),
      contribution_ids: v.contributionIds.map(String),
      hash: hexOf(v.hash),
      height: v.height.toString(),
      time_ns: v.timeNs.toString(),
    })),
    stats: g.stats.map((s) => ({
      contributor: s.contributor,
      contributions: s.contributions.toString(),
      bytes: s.bytes.toString(),
      approvals: s.approvals.toString(),
      rejections: s.rejections.toString(),
      flags: s.flags.toString(),
      withdrawals: s.withdrawals.toString(),
      rewards_earned: s.rewardsEarned,
    })),
    contributor_usage: g.contributorUsage.map((x) => ({
      day: x.day.toString(),
      contributor: x.contributor,
      bytes: x.usage.bytes.toString(),
      files: x.usage.files.toString(),
    })),
    datanet_usage: g.datanetUsage.map((x) => ({
      day: x.day.toString(),
      datanet_id: x.datanetId.toString(),
      bytes: x.usage.bytes.toString(),
      files: x.usage.files.toString(),
    })),
  };
}
