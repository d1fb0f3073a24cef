// MsgSubmitAttribution: a bonded validator's result for a pending job. Checked in this order, all
// before any write: fields (validateSubmission), the job (exists, pending, method), the validator
// (operates one, bonded, not submitted yet), the result hash, the consensus signature, and the
// entries against the job's datanet versions. Then the submission is stored and tallied.
import { formatAddress, parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import type { MsgSubmitAttribution } from "../../proto/gen/openledger/attribution/v1/tx.js";
import { type Entry, type Job, JobState } from "../../proto/gen/openledger/attribution/v1/types.js";
import { type Contribution, ContributionStatus } from "../../proto/gen/openledger/datanets/v1/types.js";
import { attributionMethodToJSON } from "../../proto/gen/openledger/models/v1/types.js";
import { formatValoper } from "../staking/address.js";
import { AttributionCode, attributionError } from "./errors.js";
import type { AttributionKeeper } from "./keeper.js";
import {
  checkEntries,
  checkMethod,
  hex,
  RESULT_HASH_LENGTH,
  resultHash,
  SIGNATURE_LENGTH,
  verifyResultSignature,
} from "./result.js";
import { tally } from "./tally.js";

export function validateSubmission(msg: MsgSubmitAttribution): void {
  parseAddress(msg.operator, "operator");
  if (msg.jobId === 0n) throw attributionError(AttributionCode.InvalidId, "job_id must be positive");
  checkMethod(msg.method);
  checkEntries(msg.entries);
  if (msg.resultHash.length !== RESULT_HASH_LENGTH)
    throw attributionError(
      AttributionCode.InvalidHash,
      `result_hash must be 32 bytes, got ${msg.resultHash.length}`,
    );
  if (msg.consensusSignature.length !== SIGNATURE_LENGTH)
    throw attributionError(
      AttributionCode.InvalidSignature,
      `consensus_signature must be 64 bytes, got ${msg.consensusSignature.length}`,
    );
}

/** Checks against state, stores the submission and tallies; true when it finalized the job. */
export function submitAttribution(
  keeper: AttributionKeeper,
  ctx: Context,
  msg: MsgSubmitAttribution,
): boolean {
  const operatorBytes = parseAddress(msg.operator, "operator");
  const operator = formatAddress(operatorBytes);
  const valoper = formatValoper(operatorBytes);
  const job = keeper.getJob(ctx, msg.jobId);
  if (!job) throw attributionError(AttributionCode.JobNotFound, `job ${msg.jobId} does not exist`);
  if (job.state !== JobState.JOB_STATE_PENDING) {
    const state = job.state === JobState.JOB_STATE_FINALIZED ? "is finalized" : "has expired";
    throw attributionError(AttributionCode.JobFinished, `job ${job.id} ${state}`);
  }
  if (msg.method !== job.method)
    throw attributionError(
      AttributionCode.WrongMethod,
      `method ${attributionMethodToJSON(msg.method)} is not job ${job.id}'s method ${attributionMethodToJSON(job.method)}`,
    );
  const params = keeper.getParams(ctx);
  checkEntries(msg.entries, params.maxEntries);

  const set = keeper.staking.lastPowers(ctx);
  const member = set.find((m) => Buffer.compare(m.operator, operatorBytes) === 0);
  const validator = keeper.staking.validator(ctx, operatorBytes);
  if (!validator) throw attributionError(AttributionCode.NotValidator, `${operator} operates no validator`);
  if (!member || validator.jailed)
    throw attributionError(
      AttributionCode.NotBonded,
      `validator ${valoper} is not in the last validator set or is jailed`,
    );
  if (keeper.getSubmission(ctx, job.id, operatorBytes))
    throw attributionError(
      AttributionCode.DuplicateSubmission,
      `validator ${valoper} already submitted a result for job ${job.id}`,
    );

  const chainId = ctx.header.chainId;
  const expected = resultHash({ chainId, jobId: job.id, method: msg.method, entries: msg.entries });
  if (hex(expected) !== hex(msg.resultHash))
    throw attributionError(
      AttributionCode.ResultHashMismatch,
      `result_hash ${hex(msg.resultHash)} is not the hash of the submitted result, ${hex(expected)}`,
    );
  if (!verifyResultSignature(validator.pubKey, chainId, job.id, msg.resultHash, msg.consensusSignature))
    throw attributionError(
      AttributionCode.InvalidSignature,
      `consensus_signature does not verify under the consensus key of validator ${valoper}`,
    );
  checkMembers(keeper, ctx, job, msg.entries);

  keeper.setSubmission(ctx, {
    jobId: job.id,
    operator,
    resultHash: msg.resultHash,
    consensusSignature: msg.consensusSignature,
    power: member.power,
    height: ctx.header.height,
  });
  if (!keeper.getResult(ctx, job.id, msg.resultHash))
    keeper.setResult(ctx, {
      jobId: job.id,
      resultHash: msg.resultHash,
      entries: msg.entries,
      firstOperator: operator,
    });
  keeper.updateRecord(ctx, operator, (r) => {
    r.submitted += 1n;
  });
  ctx.events.emit("attribution_submitted", {
    job_id: job.id.toString(),
    validator: valoper,
    operator,
    result_hash: hex(msg.resultHash),
    entries: msg.entries.length.toString(),
    power: member.power.toString(),
  });
  return tally(keeper, ctx, job, msg.resultHash, set);
}

/** Every entry names a contribution of the job's datanet versions that is approved now. */
function checkMembers(keeper: AttributionKeeper, ctx: Context, job: Job, entries: readonly Entry[]): void {
  if (entries.length === 0) return;
  const members = new Set<bigint>();
  for (const ref of job.datanets) {
    const version = keeper.datanets.getVersion(ctx, ref.datanetId, ref.version);
    if (!version) throw new Error(`attribution: datanet ${ref.datanetId} version ${ref.version} is missing`);
    for (const id of version.contributionIds) members.add(id);
  }
  const versions = job.datanets.map((r) => `${r.datanetId}:${r.version}`).join(", ") || "none";
  for (const e of entries) {
    if (!members.has(e.contributionId))
      throw attributionError(
        AttributionCode.UnknownContribution,
        `contribution ${e.contributionId} is not in the datanet versions of job ${job.id} (${versions})`,
      );
    const c = keeper.datanets.getContribution(ctx, e.contributionId);
    if (c === undefined || !liveAt(c, job.createdHeight))
      throw attributionError(
        AttributionCode.UnknownContribution,
        `contribution ${e.contributionId} was flagged before job ${job.id} and is excluded from attribution`,
      );
  }
}

/**
 * The contributions a job is attributed against are those live when it was recorded: approved, or
 * flagged only after the job's height. Every validator then answers from the same set, whenever it
 * computes (a flag between two validators' submissions cannot split their results); a contribution
 * flagged later still earns nothing at payout.
 */
export function liveAt(c: Pick<Contribution, "status" | "flaggedHeight">, jobHeight: bigint): boolean {
  return (
    c.status === ContributionStatus.CONTRIBUTION_STATUS_APPROVED ||
    (c.status === ContributionStatus.CONTRIBUTION_STATUS_FLAGGED && c.flaggedHeight > jobHeight)
  );
}
