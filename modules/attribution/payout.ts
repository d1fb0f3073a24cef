// Paying out a finalized job, all in integers: the pure plan (planPayout) and its execution
// (bank transfers out of the escrow, contributor stats, reward totals, events). Every unit the
// cuts and shares leave over goes to the treasury, so the plan always sums to the fee.
import { formatAddress, parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import type { Job, Params } from "../../proto/gen/openledger/attribution/v1/types.js";
import type { AttributionKeeper } from "./keeper.js";
import { BPS, bpsOf } from "./params.js";

/** One entry of the final result, with what the chain knows of its contribution. */
export interface PayoutEntry {
  contributionId: bigint;
  datanetId: bigint;
  contributor: string;
  bps: number;
  /** The contributor is past the penalty threshold. */
  penalized: boolean;
  /** The contribution was flagged after the result was submitted: it gets nothing. */
  excluded?: boolean;
}

export interface PayoutValidator {
  /** Operator account (open1…). */
  operator: string;
  power: bigint;
}

export interface PayoutPlan {
  owner: bigint;
  /** Per entry, in entry order: the share before and after the penalty. */
  contributions: {
    contributionId: bigint;
    datanetId: bigint;
    contributor: string;
    gross: bigint;
    paid: bigint;
  }[];
  /** Paid amounts summed by contributor, in ascending address-byte order. */
  contributors: { address: string; amount: bigint }[];
  /** In ascending address-byte order. */
  validators: { operator: string; amount: bigint }[];
  /** The treasury's cut plus every remainder and withheld penalty. */
  treasury: bigint;
}

/**
 * owner = fee × owner_bps / 10000, contributors' and validators' cuts likewise, each rounded down;
 * each entry gets contributors_cut × bps / 10000 (× (10000 − penalty_bps) / 10000 when penalized,
 * nothing when excluded);
 * each winning validator validators_cut × power / Σ power; the treasury the rest.
 */
export function planPayout(
  fee: bigint,
  params: Params,
  entries: readonly PayoutEntry[],
  validators: readonly PayoutValidator[],
): PayoutPlan {
  const owner = bpsOf(fee, params.ownerBps);
  const contributorsCut = bpsOf(fee, params.contributorsBps);
  const validatorsCut = bpsOf(fee, params.validatorsBps);
  let assigned = owner;

  const contributions = entries.map((e) => {
    const gross = bpsOf(contributorsCut, e.bps);
    const paid = e.excluded ? 0n : e.penalized ? bpsOf(gross, BPS - BigInt(params.penaltyBps)) : gross;
    assigned += paid;
    return {
      contributionId: e.contributionId,
      datanetId: e.datanetId,
      contributor: e.contributor,
      gross,
      paid,
    };
  });
  const byAddress = new Map<string, bigint>();
  for (const c of contributions) byAddress.set(c.contributor, (byAddress.get(c.contributor) ?? 0n) + c.paid);
  const contributors = sortByAddress(
    [...byAddress].map(([address, amount]) => ({ address, amount })),
    (c) => c.address,
  );

  const totalPower = validators.reduce((s, v) => s + v.power, 0n);
  const shares = validators.map((v) => ({
    operator: v.operator,
    amount: totalPower === 0n ? 0n : (validatorsCut * v.power) / totalPower,
  }));
  for (const s of shares) assigned += s.amount;
  return {
    owner,
    contributions,
    contributors,
    validators: sortByAddress(shares, (s) => s.operator),
    treasury: fee - assigned,
  };
}

function sortByAddress<T>(list: T[], address: (t: T) => string): T[] {
  return list
    .map((t) => ({ t, bytes: parseAddress(address(t)) }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ t }) => t);
}

/** Moves the fee out of the escrow as planned and records the rewards. */
export function executePayout(keeper: AttributionKeeper, ctx: Context, job: Job, plan: PayoutPlan): void {
  const denom = job.fee!.denom;
  const jobId = job.id.toString();
  const pay = (role: string, to: Uint8Array, amount: bigint) => {
    if (amount === 0n) return;
    keeper.bank.sendCoins(ctx, keeper.escrow, to, [{ denom, amount }]);
    ctx.events.emit("attribution_payout", {
      job_id: jobId,
      role,
      recipient: formatAddress(to),
      amount: `${amount}${denom}`,
    });
  };
  pay("owner", parseAddress(job.owner), plan.owner);
  for (const c of plan.contributors) {
    pay("contributor", parseAddress(c.address), c.amount);
    if (c.amount === 0n) continue;
    keeper.datanets.creditRewards(ctx, c.address, c.amount);
    const bytes = parseAddress(c.address);
    keeper.setContributorRewards(ctx, bytes, keeper.contributorRewards(ctx, bytes) + c.amount);
  }
  const byDatanet = new Map<bigint, bigint>();
  for (const c of plan.contributions) byDatanet.set(c.datanetId, (byDatanet.get(c.datanetId) ?? 0n) + c.paid);
  for (const [datanetId, amount] of [...byDatanet].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (amount > 0n) keeper.setDatanetRewards(ctx, datanetId, keeper.datanetRewards(ctx, datanetId) + amount);
  }
  for (const v of plan.validators) pay("validator", parseAddress(v.operator), v.amount);
  pay("treasury", keeper.treasury, plan.treasury);
}
