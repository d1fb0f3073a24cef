// attribution messages: record a paid inference (a pending job, its fee escrowed) and submit a
// validator's result for a job. validateBasic checks fields; handlers check state before writing
// anything, so a refused message changes nothing.
import type { Any } from "cosmjs-types/google/protobuf/any";
import { formatAddress, parseAddress } from "../../node/app/address.js";
import { parseAmount, validateDenom } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import type { MsgType } from "../../node/app/module.js";
import { sha256 } from "../../node/crypto/sha256.js";
import {
  MsgRecordInference,
  MsgRecordInferenceResponse,
  MsgSubmitAttribution,
  MsgSubmitAttributionResponse,
} from "../../proto/gen/openledger/attribution/v1/tx.js";
import { type Coin, type Job, JobState } from "../../proto/gen/openledger/attribution/v1/types.js";
import type { DatanetRef, Price } from "../../proto/gen/openledger/models/v1/types.js";
import { parsePrice } from "../models/validate.js";
import { AttributionCode, attributionError } from "./errors.js";
import type { AttributionKeeper } from "./keeper.js";
import { hex } from "./result.js";
import { submitAttribution, validateSubmission } from "./submit.js";

const PKG = "/openledger.attribution.v1.";
export const MSG_RECORD_INFERENCE_URL = `${PKG}MsgRecordInference`;
export const MSG_SUBMIT_ATTRIBUTION_URL = `${PKG}MsgSubmitAttribution`;

const utf8 = new TextEncoder();

export function response(name: string, value: Uint8Array): Any {
  return { typeUrl: `${PKG}${name}`, value };
}

export function checkSha256(hash: Uint8Array, field: string): void {
  if (hash.length !== 32)
    throw attributionError(AttributionCode.InvalidHash, `${field} must be 32 bytes, got ${hash.length}`);
}

/** A fee Coin: a valid denom and a canonical unsigned amount (zero allowed). */
export function parseFee(fee: Coin | undefined): { denom: string; amount: bigint } {
  if (!fee) throw attributionError(AttributionCode.InvalidFee, "fee is required");
  try {
    validateDenom(fee.denom);
    return { denom: fee.denom, amount: parseAmount(fee.amount, "fee amount") };
  } catch (err) {
    throw attributionError(AttributionCode.InvalidFee, (err as Error).message);
  }
}

/** price.per_call + ceil(output_tokens × price.per_1k_output_tokens / 1000). */
export function priceOf(price: Price | undefined, outputTokens: bigint): bigint {
  const { perCall, per1kOutputTokens } = parsePrice(price);
  return perCall + (outputTokens * per1kOutputTokens + 999n) / 1000n;
}

interface Target {
  what: string;
  owner: string;
  price: Price | undefined;
  method: number;
  datanets: DatanetRef[];
}

/** The model or adapter called: it must exist and not be deprecated. */
function target(keeper: AttributionKeeper, ctx: Context, msg: MsgRecordInference): Target {
  if (msg.modelId !== 0n) {
    const m = keeper.models.getModel(ctx, msg.modelId);
    if (!m) throw attributionError(AttributionCode.ModelNotFound, `model ${msg.modelId} does not exist`);
    if (m.deprecated) throw attributionError(AttributionCode.Deprecated, `model ${m.id} is deprecated`);
    const { owner, price, attributionMethod: method, datanets } = m;
    return { what: `model ${m.id}`, owner, price, method, datanets };
  }
  const a = keeper.models.getAdapter(ctx, msg.adapterId);
  if (!a) throw attributionError(AttributionCode.AdapterNotFound, `adapter ${msg.adapterId} does not exist`);
  if (a.deprecated) throw attributionError(AttributionCode.Deprecated, `adapter ${a.id} is deprecated`);
  const base = keeper.models.getModel(ctx, a.baseModelId);
  if (!base)
    throw attributionError(
      AttributionCode.ModelNotFound,
      `base model ${a.baseModelId} of adapter ${a.id} does not exist`,
    );
  return {
    what: `adapter ${a.id}`,
    owner: a.owner,
    price: a.price,
    method: base.attributionMethod,
    datanets: a.datanets,
  };
}

/** MsgRecordInference's stateless checks (validateBasic). */
export function validateRecordInference(msg: MsgRecordInference): void {
  parseAddress(msg.payer, "payer");
  if ((msg.modelId === 0n) === (msg.adapterId === 0n))
    throw attributionError(AttributionCode.InvalidId, "exactly one of model_id and adapter_id must be set");
  checkSha256(msg.promptSha256, "prompt_sha256");
  if (msg.outputText !== "") {
    if (msg.outputSha256.length > 0 || msg.outputSize !== 0n)
      throw attributionError(
        AttributionCode.InvalidOutput,
        "give output_text, or output_sha256 with output_size, not both",
      );
  } else {
    if (msg.outputSha256.length === 0)
      throw attributionError(
        AttributionCode.InvalidOutput,
        "give output_text, or output_sha256 with output_size",
      );
    checkSha256(msg.outputSha256, "output_sha256");
    if (msg.outputSize === 0n)
      throw attributionError(
        AttributionCode.InvalidOutput,
        "output_size must be positive with output_sha256",
      );
  }
  parseFee(msg.fee);
}

/**
 * MsgRecordInference's state checks and writes (its handler): the model or adapter exists and is
 * not deprecated, the fee is in fee_denom and covers the price, the output fits; then the fee moves
 * payer → escrow and a pending job is opened. Nothing is written before every check passed (the
 * fee transfer is the first write; bank refuses a short payer before writing).
 */
export function recordInference(
  keeper: AttributionKeeper,
  ctx: Context,
  msg: MsgRecordInference,
): { jobId: bigint; deadlineHeight: bigint } {
  const params = keeper.getParams(ctx);
  const fee = parseFee(msg.fee);
  if (fee.denom !== params.feeDenom)
    throw attributionError(AttributionCode.InvalidFee, `fee denom ${fee.denom} is not ${params.feeDenom}`);
  const inline = msg.outputText === "" ? undefined : utf8.encode(msg.outputText);
  if (inline && BigInt(inline.length) > params.maxOutputBytes)
    throw attributionError(
      AttributionCode.InvalidOutput,
      `output_text is ${inline.length} bytes, more than the maximum ${params.maxOutputBytes}`,
    );
  const t = target(keeper, ctx, msg);
  const price = priceOf(t.price, msg.outputTokens);
  if (fee.amount < price) {
    const p = parsePrice(t.price);
    throw attributionError(
      AttributionCode.FeeBelowPrice,
      `fee ${fee.amount}${fee.denom} is below the price of ${t.what} for ${msg.outputTokens} output tokens: ` +
        `${price}${fee.denom} (${p.perCall} per call + ${p.per1kOutputTokens} per 1000 output tokens, rounded up)`,
    );
  }
  const payer = parseAddress(msg.payer, "payer");
  if (fee.amount > 0n) keeper.bank.sendCoins(ctx, payer, keeper.escrow, [fee]);
  const id = keeper.nextJobId(ctx);
  keeper.setNextJobId(ctx, id + 1n);
  const job: Job = {
    id,
    payer: formatAddress(payer),
    modelId: msg.modelId,
    adapterId: msg.adapterId,
    owner: t.owner,
    promptSha256: msg.promptSha256,
    outputText: msg.outputText,
    outputSha256: inline ? sha256(inline) : msg.outputSha256,
    outputSize: inline ? BigInt(inline.length) : msg.outputSize,
    outputTokens: msg.outputTokens,
    fee: { denom: fee.denom, amount: fee.amount.toString() },
    method: t.method,
    datanets: t.datanets,
    createdHeight: ctx.header.height,
    deadlineHeight: ctx.header.height + params.resultWindowBlocks,
    state: JobState.JOB_STATE_PENDING,
    resultHash: new Uint8Array(0),
    finalizedHeight: 0n,
  };
  keeper.setJob(ctx, job);
  keeper.enqueueDeadline(ctx, job);
  ctx.events.emit("inference_recorded", {
    job_id: id.toString(),
    payer: job.payer,
    model_id: msg.modelId.toString(),
    adapter_id: msg.adapterId.toString(),
    method: job.method.toString(),
    fee: `${fee.amount}${fee.denom}`,
    output_sha256: hex(job.outputSha256),
    deadline_height: job.deadlineHeight.toString(),
  });
  return { jobId: id, deadlineHeight: job.deadlineHeight };
}

/**
 * Records an inference paid by `msg.payer` from another module (settlement's x402 payments): the
 * same checks and path as a MsgRecordInference tx signed by the payer.
 */
export function recordPaidInference(
  keeper: AttributionKeeper,
  ctx: Context,
  msg: MsgRecordInference,
): { jobId: bigint; deadlineHeight: bigint } {
  validateRecordInference(msg);
  return recordInference(keeper, ctx, msg);
}

export function attributionMsgs(keeper: AttributionKeeper): MsgType<unknown>[] {
  const record: MsgType<MsgRecordInference> = {
    typeUrl: MSG_RECORD_INFERENCE_URL,
    decode: (bytes) => MsgRecordInference.decode(bytes),
    signers: (msg) => [msg.payer],
    validateBasic: validateRecordInference,
    handle(ctx, msg) {
      const value = MsgRecordInferenceResponse.encode(recordInference(keeper, ctx, msg)).finish();
      return response("MsgRecordInferenceResponse", value);
    },
  };

  const submit: MsgType<MsgSubmitAttribution> = {
    typeUrl: MSG_SUBMIT_ATTRIBUTION_URL,
    decode: (bytes) => MsgSubmitAttribution.decode(bytes),
    signers: (msg) => [msg.operator],
    validateBasic: validateSubmission,
    handle(ctx, msg) {
      const finalized = submitAttribution(keeper, ctx, msg);
      const value = MsgSubmitAttributionResponse.encode({ finalized }).finish();
      return response("MsgSubmitAttributionResponse", value);
    },
  };

  return [record, submit] as MsgType<unknown>[];
}
