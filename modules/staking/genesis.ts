// staking genesis: checks, init (returning the initial validator set) and export. The JSON form is
// in genesis-json.ts. Bank's genesis runs first: the pools' balances must back the stake exactly.
import { formatAddress, parseAddress } from "../../node/app/address.js";
import type { ValidatorUpdate } from "../../node/app/application.js";
import type { Context } from "../../node/app/context.js";
import { keyToString } from "../../node/store/kv.js";
import { consensusAddress, ed25519FromAny, formatValcons, parseValcons, parseValoper } from "./address.js";
import { checkDescription, checkRates } from "./checks.js";
import { genesisFromJson, type StakingGenesis } from "./genesis-json.js";
import { operatorOf, type StakingKeeper, tokensOf, withTokens } from "./keeper.js";
import { DEFAULT_PARAMS, validateParams } from "./params.js";
import { timestampToNs } from "./time.js";
import { applyValidatorSetUpdates } from "./valset.js";

export { genesisToJson, type StakingGenesis } from "./genesis-json.js";

export function defaultGenesis(): StakingGenesis {
  return { params: { ...DEFAULT_PARAMS }, validators: [], delegations: [], unbondings: [], tombstoned: [] };
}

export function parseGenesis(json: unknown): StakingGenesis {
  const g = genesisFromJson(json);
  validateGenesis(g);
  return g;
}

/** Runs a check, naming the genesis entry in its error. */
function at(where: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}

/** Every record checked on its own and against the others; throws naming the entry. */
export function validateGenesis(g: StakingGenesis): void {
  validateParams(g.params);
  const validators = new Map<string, { tokens: bigint; delegated: bigint; jailed: boolean }>();
  const consAddrs = new Map<string, string>();
  g.validators.forEach((v, i) => {
    const w = `staking.validators[${i}]`;
    at(w, () => {
      parseValoper(v.operatorAddress, "operator_address");
      checkDescription(v.description);
      const r = v.commission.commissionRates;
      checkRates({
        rate: BigInt(r.rate),
        maxRate: BigInt(r.maxRate),
        maxChangeRate: BigInt(r.maxChangeRate),
      });
      if (BigInt(v.minSelfDelegation) < 1n) throw new Error("min_self_delegation must be positive");
    });
    if (validators.has(v.operatorAddress)) throw new Error(`${w}: duplicate operator ${v.operatorAddress}`);
    const cons = formatValcons(consensusAddress(ed25519FromAny(v.consensusPubkey)));
    if (consAddrs.has(cons))
      throw new Error(`${w}: consensus_pubkey already used by ${consAddrs.get(cons)} (${cons})`);
    consAddrs.set(cons, v.operatorAddress);
    validators.set(v.operatorAddress, { tokens: tokensOf(v), delegated: 0n, jailed: v.jailed });
  });

  const pairs = new Set<string>();
  g.delegations.forEach((d, i) => {
    const w = `staking.delegations[${i}]`;
    at(w, () => {
      parseAddress(d.delegator, "delegator_address");
      parseValoper(d.validator, "validator_address");
    });
    const v = validators.get(d.validator);
    if (!v) throw new Error(`${w}: unknown validator ${d.validator}`);
    if (d.amount === 0n) throw new Error(`${w}.amount must be positive`);
    const pair = `${d.delegator}/${d.validator}`;
    if (pairs.has(pair)) throw new Error(`${w}: duplicate delegation ${pair}`);
    pairs.add(pair);
    v.delegated += d.amount;
  });
  for (const [operator, v] of validators) {
    if (v.delegated !== v.tokens)
      throw new Error(
        `staking: validator ${operator} has tokens ${v.tokens}, its delegations add up to ${v.delegated}`,
      );
  }

  const unbondingPairs = new Set<string>();
  g.unbondings.forEach((u, i) => {
    const w = `staking.unbonding_delegations[${i}]`;
    at(w, () => {
      parseAddress(u.delegatorAddress, "delegator_address");
      parseValoper(u.validatorAddress, "validator_address");
    });
    if (!validators.has(u.validatorAddress)) throw new Error(`${w}: unknown validator ${u.validatorAddress}`);
    const pair = `${u.delegatorAddress}/${u.validatorAddress}`;
    if (unbondingPairs.has(pair)) throw new Error(`${w}: duplicate unbonding delegation ${pair}`);
    unbondingPairs.add(pair);
    if (u.entries.length === 0) throw new Error(`${w}.entries must not be empty`);
    const seen = new Set<string>();
    u.entries.forEach((e, j) => {
      const we = `${w}.entries[${j}]`;
      if (BigInt(e.initialBalance) === 0n) throw new Error(`${we}.initial_balance must be positive`);
      if (BigInt(e.balance) > BigInt(e.initialBalance))
        throw new Error(`${we}.balance must not exceed initial_balance`);
      const key = `${e.creationHeight}/${timestampToNs(e.completionTime)}`;
      if (seen.has(key))
        throw new Error(`${we}: two entries with the same creation height and completion time`);
      seen.add(key);
    });
  });

  const tombstoned = new Set<string>();
  g.tombstoned.forEach((t, i) => {
    const w = `staking.tombstoned[${i}]`;
    at(w, () => parseValcons(t));
    const operator = consAddrs.get(t);
    if (!operator) throw new Error(`${w}: ${t} is not the consensus address of a validator`);
    if (!validators.get(operator)!.jailed)
      throw new Error(`${w}: validator ${operator} is tombstoned but not jailed`);
    if (tombstoned.has(t)) throw new Error(`${w}: duplicate ${t}`);
    tombstoned.add(t);
  });
}

export function initGenesis(keeper: StakingKeeper, ctx: Context, g: StakingGenesis): ValidatorUpdate[] {
  keeper.setParams(ctx, g.params);
  let bonded = 0n;
  for (const v of g.validators) {
    keeper.setValidator(ctx, withTokens(v, tokensOf(v)));
    bonded += tokensOf(v);
  }
  for (const d of g.delegations)
    keeper.setDelegation(ctx, parseAddress(d.delegator), parseValoper(d.validator), d.amount);
  let unbonding = 0n;
  for (const u of g.unbondings) {
    const delegator = parseAddress(u.delegatorAddress);
    const operator = parseValoper(u.validatorAddress);
    keeper.setUnbonding(ctx, delegator, operator, u);
    for (const e of u.entries) {
      keeper.enqueue(ctx, timestampToNs(e.completionTime), delegator, operator);
      unbonding += BigInt(e.balance);
    }
  }
  for (const t of g.tombstoned) keeper.setTombstoned(ctx, parseValcons(t));
  const denom = g.params.bondDenom;
  for (const [pool, amount, what] of [
    [keeper.bondedPool, bonded, "the validators' tokens"],
    [keeper.notBondedPool, unbonding, "the unbonding entries' balances"],
  ] as const) {
    const held = keeper.bank.getBalance(ctx, pool, denom);
    if (held !== amount)
      throw new Error(
        `staking genesis: the pool ${formatAddress(pool)} holds ${held}${denom} in bank balances, ` +
          `${what} add up to ${amount}${denom}`,
      );
  }
  return applyValidatorSetUpdates(keeper, ctx);
}

export function exportGenesis(keeper: StakingKeeper, ctx: Context): StakingGenesis {
  const operators = new Map(
    keeper.validators(ctx).map((v) => [keyToString(operatorOf(v)), v.operatorAddress]),
  );
  return {
    params: keeper.getParams(ctx),
    validators: keeper.validators(ctx),
    delegations: keeper.allDelegations(ctx).map((d) => ({
      delegator: formatAddress(d.delegator),
      validator: operators.get(keyToString(d.operator))!,
      amount: d.amount,
    })),
    unbondings: keeper.allUnbondings(ctx),
    tombstoned: keeper.tombstones(ctx).map(formatValcons),
  };
}
