// Typed builders of the datanets messages. Each checks its input as the chain's validateBasic
// would (throwing an InputError naming the field), fills defaults, and returns an EncodeObject for
// SigningStargateClient.signAndBroadcast(address, [msg], "auto").
import { sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import { DataType, ReviewDecision } from "../proto/gen/openledger/datanets/v1/types.js";
import * as c from "./checks.js";
import {
  type MsgContributeEncodeObject,
  type MsgCreateDatanetEncodeObject,
  type MsgFlagContributionEncodeObject,
  type MsgReviewContributionEncodeObject,
  type MsgUpdateDatanetEncodeObject,
  type MsgWithdrawContributionEncodeObject,
  datanetsTypeUrls as urls,
} from "./registry.js";

/** The chain's fixed field limits (modules/datanets/README.md). */
export const DATANET_LIMITS = {
  nameMin: 3,
  nameMax: 64,
  summaryBytes: 280,
  descriptionBytes: 8192,
  tags: 8,
  slugChars: 32,
  curators: 16,
  allowedContributors: 128,
  licenseChars: 64,
  metadataBytes: 2048,
  reasonBytes: 512,
  maxScore: 100,
  /** The default params.max_inline_bytes; a node may be configured otherwise (query params). */
  defaultMaxInlineBytes: 65536,
} as const;

const L = DATANET_LIMITS;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]*[A-Za-z0-9]$/;
const SLUG = /^[a-z0-9][a-z0-9-]{0,31}$/;
const LICENSE = /^[A-Za-z0-9][A-Za-z0-9 .+:()-]{0,63}$/;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

export const DATA_TYPES: Record<string, DataType> = {
  text: DataType.DATA_TYPE_TEXT,
  image: DataType.DATA_TYPE_IMAGE,
  audio: DataType.DATA_TYPE_AUDIO,
};

export const REVIEW_DECISIONS: Record<string, ReviewDecision> = {
  approve: ReviewDecision.REVIEW_DECISION_APPROVE,
  reject: ReviewDecision.REVIEW_DECISION_REJECT,
};

/** The fields MsgUpdateDatanet may replace. */
export const UPDATABLE_FIELDS = [
  "summary",
  "description",
  "tags",
  "curators",
  "allowed_contributors",
] as const;

function slug(field: string, v: string): string {
  return c.matching(field, v, SLUG, "1-32 characters of a-z 0-9 - (starting with a letter or digit)");
}

const tags = (v: readonly string[] | undefined) =>
  c.distinct("tags", v ?? [], L.tags, (t) => slug("tags", t));

export interface CreateDatanetInput {
  owner: string;
  name: string;
  domain: string;
  summary?: string;
  description?: string;
  tags?: readonly string[];
  /** Default "text". */
  dataType?: DataType | "text" | "image" | "audio" | keyof typeof DataType;
  /** Default false: anyone may contribute. */
  permissioned?: boolean;
  /** Default true: contributions wait for a curator's review. */
  needsApproval?: boolean;
  /** Per contribution, in the bond denom (uopen); default 0. */
  contributionBond?: c.U64Like;
  curators?: readonly string[];
  allowedContributors?: readonly string[];
}

export function msgCreateDatanet(input: CreateDatanetInput): MsgCreateDatanetEncodeObject {
  const owner = c.address("owner", input.owner);
  const name = c.matching("name", input.name, NAME, "3-64 characters of A-Z a-z 0-9 space _ . -");
  if (name.length < L.nameMin || name.length > L.nameMax)
    throw new c.InputError("name", `${name.length} characters, expected ${L.nameMin}-${L.nameMax}`);
  return {
    typeUrl: urls.createDatanet,
    value: {
      owner,
      name,
      summary: c.text("summary", input.summary, L.summaryBytes),
      description: c.text("description", input.description, L.descriptionBytes, true),
      tags: tags(input.tags),
      domain: slug("domain", input.domain),
      dataType: c.enumValue("dataType", input.dataType ?? "text", DATA_TYPES, "data_type_"),
      permissioned: input.permissioned ?? false,
      needsApproval: input.needsApproval ?? true,
      contributionBond: c.amount("contributionBond", input.contributionBond),
      curators: c.addressList("curators", input.curators ?? [], L.curators, owner),
      allowedContributors: c.addressList(
        "allowedContributors",
        input.allowedContributors ?? [],
        L.allowedContributors,
      ),
    },
  };
}

export interface UpdateDatanetInput {
  signer: string;
  datanetId: c.U64Like;
  /** Each field given (even empty, to clear it) is replaced; the others stay. */
  summary?: string;
  description?: string;
  tags?: readonly string[];
  /** The owner only. */
  curators?: readonly string[];
  allowedContributors?: readonly string[];
}

export function msgUpdateDatanet(input: UpdateDatanetInput): MsgUpdateDatanetEncodeObject {
  const value: MsgUpdateDatanetEncodeObject["value"] = {
    signer: c.address("signer", input.signer),
    datanetId: c.id("datanetId", input.datanetId),
    fields: [],
    summary: "",
    description: "",
    tags: [],
    curators: [],
    allowedContributors: [],
  };
  if (input.summary !== undefined) {
    value.summary = c.text("summary", input.summary, L.summaryBytes);
    value.fields.push("summary");
  }
  if (input.description !== undefined) {
    value.description = c.text("description", input.description, L.descriptionBytes, true);
    value.fields.push("description");
  }
  if (input.tags !== undefined) {
    value.tags = tags(input.tags);
    value.fields.push("tags");
  }
  if (input.curators !== undefined) {
    value.curators = c.addressList("curators", input.curators, L.curators);
    value.fields.push("curators");
  }
  if (input.allowedContributors !== undefined) {
    value.allowedContributors = c.addressList(
      "allowedContributors",
      input.allowedContributors,
      L.allowedContributors,
    );
    value.fields.push("allowed_contributors");
  }
  if (value.fields.length === 0)
    throw new c.InputError("fields", `nothing to update: give some of ${UPDATABLE_FIELDS.join(", ")}`);
  return { typeUrl: urls.updateDatanet, value };
}

export interface ContributeInput {
  contributor: string;
  datanetId: c.U64Like;
  /** Inline UTF-8 text (text datanets). */
  text?: string;
  /** Content bytes: inline (must be UTF-8 text) unless `inline: false`, then only sha256 and size travel. */
  content?: Uint8Array;
  inline?: boolean;
  /** A reference without the bytes: sha256 (bytes or hex) and size; checked against `content` if both. */
  contentHash?: Uint8Array | string;
  size?: c.U64Like;
  /** Default "text/plain" for inline content; required for references. */
  mediaType?: string;
  /** e.g. an SPDX expression such as "CC-BY-4.0". Required. */
  license: string;
  metadata?: string;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function msgContribute(input: ContributeInput): MsgContributeEncodeObject {
  const contributor = c.address("contributor", input.contributor);
  const datanetId = c.id("datanetId", input.datanetId);
  if (input.text !== undefined && input.content !== undefined)
    throw new c.InputError("content", "give text or content, not both");
  const bytes = input.text !== undefined ? new TextEncoder().encode(input.text) : input.content;
  const declared =
    input.contentHash === undefined ? undefined : c.sha256Bytes("contentHash", input.contentHash);
  const declaredSize = input.size === undefined ? undefined : c.u64("size", input.size, { positive: true });
  let inlineContent = new Uint8Array(0);
  let contentHash: Uint8Array;
  let size: bigint;
  if (bytes !== undefined) {
    if (bytes.length === 0) throw new c.InputError("content", "is empty");
    contentHash = sha256(bytes);
    size = BigInt(bytes.length);
    if (declared && toHex(declared) !== toHex(contentHash))
      throw new c.InputError("contentHash", `the content hashes to ${toHex(contentHash)}`);
    if (declaredSize !== undefined && declaredSize !== size)
      throw new c.InputError("size", `the content is ${size} bytes, not ${declaredSize}`);
    if (input.inline !== false) {
      try {
        strictUtf8.decode(bytes);
      } catch {
        throw new c.InputError("content", "inline content must be UTF-8 text (use inline: false)");
      }
      inlineContent = Uint8Array.from(bytes);
    }
  } else {
    if (!declared) throw new c.InputError("content", "give text, content, or contentHash and size");
    if (declaredSize === undefined) throw new c.InputError("size", "is required with contentHash");
    contentHash = declared;
    size = declaredSize;
  }
  const inline = inlineContent.length > 0;
  if (!inline && !input.mediaType)
    throw new c.InputError("mediaType", "is required for content given by reference");
  const mediaType = c.matching(
    "mediaType",
    input.mediaType ?? "text/plain",
    MEDIA_TYPE,
    "a lowercase type/subtype without parameters",
  );
  if (inline && !mediaType.startsWith("text/"))
    throw new c.InputError("mediaType", `inline content is text/*, not ${mediaType}`);
  return {
    typeUrl: urls.contribute,
    value: {
      contributor,
      datanetId,
      inlineContent,
      contentHash,
      size,
      mediaType,
      license: c.matching("license", input.license, LICENSE, "1-64 characters, e.g. CC-BY-4.0"),
      metadata: c.text("metadata", input.metadata, L.metadataBytes, true),
    },
  };
}

export interface ReviewContributionInput {
  curator: string;
  contributionId: c.U64Like;
  decision: ReviewDecision | "approve" | "reject" | keyof typeof ReviewDecision;
  /** 0-100, default 0. */
  score?: number;
  reason?: string;
}

export function msgReviewContribution(input: ReviewContributionInput): MsgReviewContributionEncodeObject {
  const score = input.score ?? 0;
  if (!Number.isInteger(score) || score < 0 || score > L.maxScore)
    throw new c.InputError("score", `${score} must be an integer 0-${L.maxScore}`);
  return {
    typeUrl: urls.reviewContribution,
    value: {
      curator: c.address("curator", input.curator),
      contributionId: c.id("contributionId", input.contributionId),
      decision: c.enumValue("decision", input.decision, REVIEW_DECISIONS, "review_decision_"),
      score,
      reason: c.text("reason", input.reason, L.reasonBytes, true),
    },
  };
}

export function msgWithdrawContribution(input: {
  contributor: string;
  contributionId: c.U64Like;
}): MsgWithdrawContributionEncodeObject {
  return {
    typeUrl: urls.withdrawContribution,
    value: {
      contributor: c.address("contributor", input.contributor),
      contributionId: c.id("contributionId", input.contributionId),
    },
  };
}

export function msgFlagContribution(input: {
  curator: string;
  contributionId: c.U64Like;
  /** Required: why the contribution is harmful. */
  reason: string;
}): MsgFlagContributionEncodeObject {
  const reason = c.text("reason", input.reason, L.reasonBytes, true);
  if (reason === "") throw new c.InputError("reason", "is required to flag a contribution");
  return {
    typeUrl: urls.flagContribution,
    value: {
      curator: c.address("curator", input.curator),
      contributionId: c.id("contributionId", input.contributionId),
      reason,
    },
  };
}
