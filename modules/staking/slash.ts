// Double-sign evidence (BeginBlock): a validator found by its consensus address, not tombstoned,
// with evidence at most max_evidence_age_blocks old, is slashed by slash_fraction_double_sign,
// jailed (it leaves the set at EndBlock: a power-0 update) and tombstoned (never slashed twice).
// Anything else (unknown address, old or future evidence, a tombstoned validator) changes nothing.
import type { Misbehavior } from "../../node/app/application.js";
import type { Context } from "../../node/app/context.js";
import { formatValcons, formatValoper } from "./address.js";
import type { StakingKeeper } from "./keeper.js";
import { tokensOf, withTokens } from "./keeper.js";
import { BPS, powerOf } from "./params.js";

/** floor(amount × bps / 10000): the rounding rule of every slash (down, per holding). */
export function slashAmount(amount: bigint, bps: bigint): bigint {
  return (amount * bps) / BPS;
}

export function handleMisbehavior(
  keeper: StakingKeeper,
  ctx: Context,
  evidence: readonly Misbehavior[],
): void {
  for (const m of evidence) {
    if (m.type !== "duplicateVote" || m.validatorAddress.length !== 20) continue;
    const params = keeper.getParams(ctx);
    if (m.height < 1n || m.height > ctx.header.height) continue;
    if (ctx.header.height - m.height > params.maxEvidenceAgeBlocks) continue;
    const operator = keeper.operatorByConsAddr(ctx, m.validatorAddress);
    if (!operator || keeper.isTombstoned(ctx, m.validatorAddress)) continue;
    const before = keeper.getValidator(ctx, operator)!;
    const power = before.jailed ? 0n : powerOf(tokensOf(before));
    const burned = slash(keeper, ctx, operator, m.height, params.slashFractionDoubleSignBps);
    const after = keeper.getValidator(ctx, operator)!;
    keeper.setValidator(ctx, { ...after, jailed: true });
    keeper.setTombstoned(ctx, m.validatorAddress);
    const address = formatValcons(m.validatorAddress);
    ctx.events.emit("slash", {
      address,
      power: power.toString(),
      reason: "double_sign",
      burned_coins: `${burned}${params.bondDenom}`,
    });
    ctx.events.emit("jail", { address, validator: formatValoper(operator) });
  }
}

/**
 * Burns `bps` of the validator's stake: each delegation loses floor(amount × bps / 10000) and the
 * validator's tokens fall by the sum (so tokens stay the sum of delegations); each unbonding entry
 * created at or after the infraction height loses floor(initial_balance × bps / 10000), at most its
 * balance. Returns the total burned.
 */
export function slash(
  keeper: StakingKeeper,
  ctx: Context,
  operator: Uint8Array,
  infractionHeight: bigint,
  bps: bigint,
): bigint {
  const { bondDenom } = keeper.getParams(ctx);
  let bonded = 0n;
  for (const { delegator, amount } of keeper.delegationsTo(ctx, operator)) {
    const cut = slashAmount(amount, bps);
    if (cut === 0n) continue;
    keeper.setDelegation(ctx, delegator, operator, amount - cut);
    bonded += cut;
  }
  const v = keeper.getValidator(ctx, operator)!;
  keeper.setValidator(ctx, withTokens(v, tokensOf(v) - bonded));
  if (bonded > 0n) keeper.bank.burn(ctx, keeper.bondedPool, [{ denom: bondDenom, amount: bonded }]);

  let unbonding = 0n;
  for (const { delegator, ubd } of keeper.unbondingsFrom(ctx, operator)) {
    let changed = false;
    for (const e of ubd.entries) {
      if (e.creationHeight < infractionHeight) continue;
      const balance = BigInt(e.balance);
      const cut = slashAmount(BigInt(e.initialBalance), bps);
      const taken = cut < balance ? cut : balance;
      if (taken === 0n) continue;
      e.balance = (balance - taken).toString();
      unbonding += taken;
      changed = true;
    }
    if (changed) keeper.setUnbonding(ctx, delegator, operator, ubd);
  }
  if (unbonding > 0n) keeper.bank.burn(ctx, keeper.notBondedPool, [{ denom: bondDenom, amount: unbonding }]);
  return bonded + unbonding;
}
