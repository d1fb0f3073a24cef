// Bonding and unbonding: delegate (tokens to the bonded pool), undelegate (bonded pool → not-bonded
// pool, an entry that matures after the unbonding period of block time), and the EndBlock payout
// of matured entries in queue order (completion time, delegator, validator).
import type { Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { formatAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import { formatValoper } from "./address.js";
import { StakingCode, stakingError } from "./errors.js";
import { type StakingKeeper, tokensOf, withTokens } from "./keeper.js";
import { NS_PER_SECOND } from "./params.js";
import { nsToRfc3339, nsToTimestamp, timestampToNs } from "./time.js";

/** Refuses a coin that is not the bond denom. */
export function checkBondDenom(keeper: StakingKeeper, ctx: Context, denom: string): void {
  const { bondDenom } = keeper.getParams(ctx);
  if (denom !== bondDenom)
    throw sdkError(SdkCode.InvalidRequest, `invalid coin denomination: got ${denom}, expected ${bondDenom}`);
}

export function mustGetValidator(keeper: StakingKeeper, ctx: Context, operator: Uint8Array): Validator {
  const v = keeper.getValidator(ctx, operator);
  if (!v) throw stakingError(StakingCode.NoValidatorFound, formatValoper(operator));
  return v;
}

/** Moves `amount` from the delegator to the bonded pool and adds it to the delegation and validator. */
export function delegate(
  keeper: StakingKeeper,
  ctx: Context,
  delegator: Uint8Array,
  validator: Validator,
  operator: Uint8Array,
  amount: bigint,
): Validator {
  const { bondDenom } = keeper.getParams(ctx);
  keeper.bank.sendCoins(ctx, delegator, keeper.bondedPool, [{ denom: bondDenom, amount }]);
  keeper.setDelegation(ctx, delegator, operator, keeper.getDelegation(ctx, delegator, operator) + amount);
  const updated = withTokens(validator, tokensOf(validator) + amount);
  keeper.setValidator(ctx, updated);
  ctx.events.emit("delegate", {
    validator: formatValoper(operator),
    delegator: formatAddress(delegator),
    amount: `${amount}${bondDenom}`,
    new_shares: amount.toString(),
  });
  return updated;
}

/**
 * Takes `amount` off the delegation into a new unbonding entry (merged with one created at the
 * same height), moving the tokens to the not-bonded pool. Returns the completion time in ns.
 */
export function undelegate(
  keeper: StakingKeeper,
  ctx: Context,
  delegator: Uint8Array,
  operator: Uint8Array,
  amount: bigint,
): bigint {
  const params = keeper.getParams(ctx);
  const validator = mustGetValidator(keeper, ctx, operator);
  const delegated = keeper.getDelegation(ctx, delegator, operator);
  const pair = `${formatAddress(delegator)} to ${formatValoper(operator)}`;
  if (delegated === 0n) throw stakingError(StakingCode.NoDelegation, `no delegation from ${pair}`);
  if (amount > delegated)
    throw stakingError(
      StakingCode.NotEnoughDelegationShares,
      `cannot undelegate ${amount}${params.bondDenom}: the delegation from ${pair} is ${delegated}${params.bondDenom}`,
    );
  const height = ctx.header.height;
  const completionNs = ctx.header.timeNs + params.unbondingTimeSeconds * NS_PER_SECOND;
  const ubd = keeper.getUnbonding(ctx, delegator, operator) ?? {
    delegatorAddress: formatAddress(delegator),
    validatorAddress: formatValoper(operator),
    entries: [],
  };
  const same = ubd.entries.find(
    (e) => e.creationHeight === height && timestampToNs(e.completionTime) === completionNs,
  );
  if (same) {
    same.initialBalance = (BigInt(same.initialBalance) + amount).toString();
    same.balance = (BigInt(same.balance) + amount).toString();
  } else {
    if (ubd.entries.length >= params.maxEntries)
      throw stakingError(
        StakingCode.MaxUnbondingDelegationEntries,
        `${pair} already has ${ubd.entries.length} entries (max_entries ${params.maxEntries})`,
      );
    ubd.entries.push({
      creationHeight: height,
      completionTime: nsToTimestamp(completionNs),
      initialBalance: amount.toString(),
      balance: amount.toString(),
      unbondingId: 0n,
      unbondingOnHoldRefCount: 0n,
    });
  }
  keeper.setDelegation(ctx, delegator, operator, delegated - amount);
  keeper.setValidator(ctx, withTokens(validator, tokensOf(validator) - amount));
  keeper.bank.sendCoins(ctx, keeper.bondedPool, keeper.notBondedPool, [{ denom: params.bondDenom, amount }]);
  keeper.setUnbonding(ctx, delegator, operator, ubd);
  keeper.enqueue(ctx, completionNs, delegator, operator);
  ctx.events.emit("unbond", {
    validator: formatValoper(operator),
    delegator: formatAddress(delegator),
    amount: `${amount}${params.bondDenom}`,
    completion_time: nsToRfc3339(completionNs),
  });
  return completionNs;
}

/** EndBlock: pays out every entry whose completion time is at or before the block time. */
export function completeMatured(keeper: StakingKeeper, ctx: Context): void {
  const now = ctx.header.timeNs;
  const { bondDenom } = keeper.getParams(ctx);
  for (const { delegator, operator } of keeper.takeMatured(ctx, now)) {
    const ubd = keeper.getUnbonding(ctx, delegator, operator);
    if (!ubd) continue; // paid out with an earlier queue entry of the same pair
    let paid = 0n;
    const left = ubd.entries.filter((e) => {
      if (timestampToNs(e.completionTime) > now) return true;
      paid += BigInt(e.balance);
      return false;
    });
    if (left.length === ubd.entries.length) continue;
    if (paid > 0n)
      keeper.bank.sendCoins(ctx, keeper.notBondedPool, delegator, [{ denom: bondDenom, amount: paid }]);
    keeper.setUnbonding(ctx, delegator, operator, { ...ubd, entries: left });
    ctx.events.emit("complete_unbonding", {
      amount: `${paid}${bondDenom}`,
      validator: formatValoper(operator),
      delegator: formatAddress(delegator),
    });
  }
}
