// Typed builders of the attribution messages, with the chain's stateless checks: record a paid
// inference (the prompt and an inline output are hashed here when given as text), and submit a
// validator's result (its hash and consensus signature come from the module's pure functions:
// modules/attribution/result.ts resultHash / attributionSignBytes / signResult).
import { sha256 } from "@cosmjs/crypto";
import type { Entry } from "../proto/gen/openledger/attribution/v1/types.js";
import type { AttributionMethod } from "../proto/gen/openledger/models/v1/types.js";
import * as c from "./checks.js";
import { ATTRIBUTION_METHODS } from "./models-msgs.js";
import {
  type MsgRecordInferenceEncodeObject,
  type MsgSubmitAttributionEncodeObject,
  attributionTypeUrls as urls,
} from "./registry.js";

export const ATTRIBUTION_LIMITS = {
  /** Default of params.max_output_bytes (a node may be configured otherwise). */
  defaultMaxOutputBytes: 65_536,
  totalBps: 10_000,
} as const;

const utf8 = new TextEncoder();

/** A fee: a Coin, or "123uopen", or an amount of uopen. */
export type FeeInput = { denom: string; amount: c.U64Like } | string | bigint | number;

export function fee(input: FeeInput): { denom: string; amount: string } {
  if (typeof input === "object") return { denom: input.denom, amount: c.amount("fee", input.amount) };
  if (typeof input === "string") {
    const m = /^([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(input.trim());
    if (m) return { denom: m[2]!, amount: c.amount("fee", m[1]!) };
  }
  return { denom: "uopen", amount: c.amount("fee", input as c.U64Like) };
}

export interface RecordInferenceInput {
  payer: string;
  /** Exactly one of modelId and adapterId. */
  modelId?: c.U64Like;
  adapterId?: c.U64Like;
  /** The prompt (hashed here) or its sha256. */
  prompt?: string | Uint8Array;
  promptSha256?: Uint8Array | string;
  /** The output inline (at most params.max_output_bytes UTF-8 bytes) … */
  output?: string;
  /** … or its sha256 and size in the content store. */
  outputSha256?: Uint8Array | string;
  outputSize?: c.U64Like;
  outputTokens?: c.U64Like;
  /** At least the model's price for outputTokens (query models.model / models.adapter). */
  fee: FeeInput;
}

export function msgRecordInference(input: RecordInferenceInput): MsgRecordInferenceEncodeObject {
  const modelId = input.modelId === undefined ? 0n : c.id("modelId", input.modelId);
  const adapterId = input.adapterId === undefined ? 0n : c.id("adapterId", input.adapterId);
  if ((modelId === 0n) === (adapterId === 0n))
    throw new c.InputError("modelId", "give exactly one of modelId and adapterId");
  if ((input.prompt === undefined) === (input.promptSha256 === undefined))
    throw new c.InputError("prompt", "give exactly one of prompt and promptSha256");
  const promptSha256 =
    input.prompt !== undefined
      ? sha256(typeof input.prompt === "string" ? utf8.encode(input.prompt) : input.prompt)
      : c.sha256Bytes("promptSha256", input.promptSha256!);
  const inline = input.output !== undefined && input.output !== "";
  if (inline === (input.outputSha256 !== undefined))
    throw new c.InputError("output", "give exactly one of output and outputSha256 (with outputSize)");
  const outputSize = inline ? 0n : c.u64("outputSize", input.outputSize ?? 0, { positive: true });
  return {
    typeUrl: urls.recordInference,
    value: {
      payer: c.address("payer", input.payer),
      modelId,
      adapterId,
      promptSha256,
      outputText: inline ? input.output! : "",
      outputSha256: inline ? new Uint8Array(0) : c.sha256Bytes("outputSha256", input.outputSha256!),
      outputSize,
      outputTokens: c.u64("outputTokens", input.outputTokens ?? 0),
      fee: fee(input.fee),
    },
  };
}

export interface SubmitAttributionInput {
  /** The validator's operator account (open1…), the tx's signer. */
  operator: string;
  jobId: c.U64Like;
  method: AttributionMethod | "span" | "influence" | keyof typeof AttributionMethod;
  /** Ascending contribution ids, bps ≥ 1 summing to 10000; empty: no attribution found. */
  entries: readonly { contributionId: c.U64Like; bps: number }[];
  /** 32 bytes (or 64 hex characters) and 64 bytes (or 128 hex characters). */
  resultHash: Uint8Array | string;
  consensusSignature: Uint8Array | string;
}

export function attributionEntries(list: SubmitAttributionInput["entries"]): Entry[] {
  let sum = 0;
  let previous = 0n;
  const entries = list.map((e, i) => {
    const contributionId = c.id(`entries[${i}].contributionId`, e.contributionId);
    if (contributionId <= previous)
      throw new c.InputError("entries", "contribution ids must ascend without repeats");
    if (!Number.isInteger(e.bps) || e.bps < 1 || e.bps > ATTRIBUTION_LIMITS.totalBps)
      throw new c.InputError(`entries[${i}].bps`, `${e.bps} is not 1..10000`);
    previous = contributionId;
    sum += e.bps;
    return { contributionId, bps: e.bps };
  });
  if (entries.length > 0 && sum !== ATTRIBUTION_LIMITS.totalBps)
    throw new c.InputError("entries", `bps sum to ${sum}, not 10000`);
  return entries;
}

function bytes(field: string, value: Uint8Array | string, length: number): Uint8Array {
  const b =
    typeof value === "string" && /^([0-9a-fA-F]{2})*$/.test(value) ? Buffer.from(value, "hex") : value;
  if (!(b instanceof Uint8Array) || b.length !== length)
    throw new c.InputError(field, `must be ${length} bytes (${2 * length} hex characters)`);
  return Uint8Array.from(b);
}

export function msgSubmitAttribution(input: SubmitAttributionInput): MsgSubmitAttributionEncodeObject {
  return {
    typeUrl: urls.submitAttribution,
    value: {
      operator: c.address("operator", input.operator),
      jobId: c.id("jobId", input.jobId),
      method: c.enumValue("method", input.method, ATTRIBUTION_METHODS, "attribution_method_"),
      entries: attributionEntries(input.entries),
      resultHash: bytes("resultHash", input.resultHash, 32),
      consensusSignature: bytes("consensusSignature", input.consensusSignature, 64),
    },
  };
}
