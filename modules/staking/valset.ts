// The consensus validator set: every validator that is not jailed and has power (tokens / 10^6)
// above 0, by power descending then operator bytes ascending, the first max_validators of them.
// EndBlock (and genesis) compares it with the last set handed to consensus and returns the
// difference as ValidatorUpdates (power 0 for those that left), sorted by key bytes.
import { BondStatus } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import type { ValidatorUpdate } from "../../node/app/application.js";
import type { Context } from "../../node/app/context.js";
import { keyToString } from "../../node/store/kv.js";
import { operatorOf, pubKeyOf, type StakingKeeper, tokensOf } from "./keeper.js";
import { powerOf } from "./params.js";

export interface SetMember {
  operator: Uint8Array;
  pubKey: Uint8Array;
  power: bigint;
}

/** The set the current state asks for, in set order. */
export function computeValidatorSet(keeper: StakingKeeper, ctx: Context): SetMember[] {
  const { maxValidators } = keeper.getParams(ctx);
  const candidates: SetMember[] = [];
  for (const v of keeper.validators(ctx)) {
    const power = v.jailed ? 0n : powerOf(tokensOf(v));
    if (power > 0n) candidates.push({ operator: operatorOf(v), pubKey: pubKeyOf(v), power });
  }
  candidates.sort((a, b) =>
    a.power !== b.power ? (a.power > b.power ? -1 : 1) : Buffer.compare(a.operator, b.operator),
  );
  return candidates.slice(0, maxValidators);
}

/**
 * Brings the stored last set and each validator's status (BONDED in the set, UNBONDED out of it)
 * up to date; returns what changed.
 */
export function applyValidatorSetUpdates(keeper: StakingKeeper, ctx: Context): ValidatorUpdate[] {
  const next = computeValidatorSet(keeper, ctx);
  const last = new Map(keeper.lastPowers(ctx).map((l) => [keyToString(l.operator), l]));
  const updates: ValidatorUpdate[] = [];
  for (const m of next) {
    const key = keyToString(m.operator);
    const before = last.get(key);
    last.delete(key);
    if (before?.power === m.power) continue;
    updates.push({ pubKey: m.pubKey, power: m.power });
    keeper.setLastPower(ctx, m.operator, m.power);
    keeper.setStatus(ctx, m.operator, BondStatus.BOND_STATUS_BONDED);
  }
  for (const { operator } of last.values()) {
    const v = keeper.getValidator(ctx, operator);
    if (!v) throw new Error(`staking: a validator of the last set is missing`);
    updates.push({ pubKey: pubKeyOf(v), power: 0n });
    keeper.setLastPower(ctx, operator, 0n);
    keeper.setStatus(ctx, operator, BondStatus.BOND_STATUS_UNBONDED);
  }
  return updates.sort((a, b) => Buffer.compare(a.pubKey, b.pubKey));
}
