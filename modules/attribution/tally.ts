// Counting results and settling jobs. After each accepted submission the job's results are tallied
// by their submitters' power in the last validator set; the first hash with power × 3 > the set's
// total power × 2 finalizes the job in that tx (payout, "disagreed" for submitters of other hashes).
// EndBlock settles every job whose deadline is the block's height: a job still pending is tallied
// once more against the current set (which may have changed), else it expires (fee refunded); and
// members of the validator set that submitted nothing are recorded as "missed". The validator set
// is always the last one staking stored (what consensus runs with).
import { formatAddress, parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import { keyToString } from "../../node/store/kv.js";
import { type Job, JobState, type Result } from "../../proto/gen/openledger/attribution/v1/types.js";
import { ContributionStatus } from "../../proto/gen/openledger/datanets/v1/types.js";
import { formatValoper } from "../staking/address.js";
import type { SetMember } from "./expected.js";
import type { AttributionKeeper } from "./keeper.js";
import { executePayout, type PayoutEntry, planPayout } from "./payout.js";
import { hex } from "./result.js";

/** Power of each member of the last validator set by operator key, and their total. */
export function powerTable(set: readonly SetMember[]): {
  power: Map<string, bigint>;
  total: bigint;
} {
  const power = new Map<string, bigint>();
  let total = 0n;
  for (const v of set) {
    power.set(keyToString(v.operator), v.power);
    total += v.power;
  }
  return { power, total };
}

/**
 * Tallies the job's submissions for `hash` by their operators' power in the last validator set
 * `set`; finalizes the job when they hold more than 2/3 of the set's power. Returns whether it did.
 */
export function tally(
  keeper: AttributionKeeper,
  ctx: Context,
  job: Job,
  hash: Uint8Array,
  set: readonly SetMember[],
): boolean {
  const { power, total } = powerTable(set);
  const submissions = keeper.submissions(ctx, job.id);
  const hashHex = hex(hash);
  const winners = submissions
    .filter((s) => hex(s.resultHash) === hashHex)
    .map((s) => ({ operator: s.operator, power: power.get(keyToString(parseAddress(s.operator))) ?? 0n }))
    .filter((w) => w.power > 0n);
  const agreed = winners.reduce((sum, w) => sum + w.power, 0n);
  if (total === 0n || agreed * 3n <= total * 2n) return false;

  const result = keeper.getResult(ctx, job.id, hash);
  if (!result) throw new Error(`attribution store: job ${job.id} has no result ${hashHex}`);
  const params = keeper.getParams(ctx);
  const fee = BigInt(job.fee!.amount);
  const plan = planPayout(fee, params, payoutEntries(keeper, ctx, result), winners);
  const finalized: Job = {
    ...job,
    state: JobState.JOB_STATE_FINALIZED,
    resultHash: hash,
    finalizedHeight: ctx.header.height,
  };
  keeper.setJob(ctx, finalized);
  ctx.events.emit("attribution_finalized", {
    job_id: job.id.toString(),
    result_hash: hashHex,
    entries: result.entries.length.toString(),
    power: agreed.toString(),
    total_power: total.toString(),
    fee: `${fee}${job.fee!.denom}`,
    owner_amount: plan.owner.toString(),
    contributors_amount: plan.contributions.reduce((s, c) => s + c.paid, 0n).toString(),
    validators_amount: plan.validators.reduce((s, v) => s + v.amount, 0n).toString(),
    treasury_amount: plan.treasury.toString(),
  });
  executePayout(keeper, ctx, finalized, plan);
  for (const s of submissions) {
    if (hex(s.resultHash) !== hashHex)
      fault(keeper, ctx, "disagreed", job.id, s.operator, params.slashDisagreeBps, {
        result_hash: hex(s.resultHash),
      });
  }
  return true;
}

/**
 * The final result's entries with their contributions' datanet, contributor and penalty. A
 * contribution flagged since the result was submitted is excluded: its share goes to the treasury.
 */
function payoutEntries(keeper: AttributionKeeper, ctx: Context, result: Result): PayoutEntry[] {
  const params = keeper.getParams(ctx);
  return result.entries.map((e) => {
    const c = keeper.datanets.getContribution(ctx, e.contributionId);
    if (!c) throw new Error(`attribution: contribution ${e.contributionId} of a result is missing`);
    const flags = keeper.datanets.getStats(ctx, c.contributor).flags;
    const threshold = params.penaltyFlagThreshold;
    return {
      contributionId: e.contributionId,
      datanetId: c.datanetId,
      contributor: c.contributor,
      bps: e.bps,
      penalized: threshold > 0n && flags >= threshold,
      excluded: c.status !== ContributionStatus.CONTRIBUTION_STATUS_APPROVED,
    };
  });
}

/** Records a disagreement or a miss, slashing when the param says so. */
function fault(
  keeper: AttributionKeeper,
  ctx: Context,
  kind: "disagreed" | "missed",
  jobId: bigint,
  operator: string,
  slashBps: number,
  extra: Record<string, string> = {},
): void {
  const burned = slashBps > 0 ? keeper.staking.slash(ctx, parseAddress(operator), slashBps) : 0n;
  keeper.updateRecord(ctx, operator, (r) => {
    if (kind === "disagreed") r.disagreed += 1n;
    else r.missed += 1n;
    r.slashed = (BigInt(r.slashed) + burned).toString();
  });
  ctx.events.emit(`attribution_${kind}`, {
    job_id: jobId.toString(),
    validator: formatValoper(parseAddress(operator)),
    operator,
    ...extra,
    slashed: burned.toString(),
  });
}

/** EndBlock: settle the jobs whose deadline is this height (or earlier, never left behind). */
export function settleDeadlines(keeper: AttributionKeeper, ctx: Context): void {
  const due = keeper.takeDue(ctx, ctx.header.height);
  if (due.length === 0) return;
  const params = keeper.getParams(ctx);
  const set = keeper.staking.lastPowers(ctx);
  for (const id of due) {
    const job = keeper.getJob(ctx, id);
    if (!job) throw new Error(`attribution store: deadline queue names missing job ${id}`);
    if (job.state === JobState.JOB_STATE_PENDING && !finalizeLate(keeper, ctx, job, set))
      expire(keeper, ctx, job);
    for (const v of set) {
      if (keeper.getSubmission(ctx, id, v.operator)) continue;
      fault(keeper, ctx, "missed", id, formatAddress(v.operator), params.slashMissedBps);
    }
  }
}

/**
 * The set may have changed since the last submission: a result whose submitters now hold more than
 * 2/3 of the set's power finalizes the job at its deadline instead of letting it expire.
 */
function finalizeLate(keeper: AttributionKeeper, ctx: Context, job: Job, set: readonly SetMember[]): boolean {
  return keeper.results(ctx, job.id).some((r) => tally(keeper, ctx, job, r.resultHash, set));
}

function expire(keeper: AttributionKeeper, ctx: Context, job: Job): void {
  const fee = job.fee!;
  const amount = BigInt(fee.amount);
  keeper.setJob(ctx, { ...job, state: JobState.JOB_STATE_EXPIRED });
  if (amount > 0n)
    keeper.bank.sendCoins(ctx, keeper.escrow, parseAddress(job.payer), [{ denom: fee.denom, amount }]);
  ctx.events.emit("attribution_expired", {
    job_id: job.id.toString(),
    payer: job.payer,
    refund: `${amount}${fee.denom}`,
    results: keeper.results(ctx, job.id).length.toString(),
  });
}
