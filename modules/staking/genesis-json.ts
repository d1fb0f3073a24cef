// The JSON form of staking genesis (app_state.staking): integers as decimal strings, times as
// RFC3339 with nanoseconds, commission rates as decimals with 18 places (the SDK's JSON), the
// consensus key as {"@type": "/cosmos.crypto.ed25519.PubKey", "key": "<base64>"}. Parsing reads
// shapes only; genesis.ts checks the values.
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import {
  BondStatus,
  type UnbondingDelegation,
  type Validator,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { asObject } from "../auth/genesis.js";
import { ED25519_PUBKEY_URL, ed25519FromAny, ed25519ToAny } from "./address.js";
import { formatDecText, paramsFromJson, paramsToJson, parseDecText, type StakingParams } from "./params.js";
import { nsToRfc3339, nsToTimestamp, rfc3339ToNs, timestampToNs } from "./time.js";

export interface StakingGenesis {
  params: StakingParams;
  /** Records as stored; status is derived (BONDED in the set) and not part of genesis. */
  validators: Validator[];
  /** Token amounts (no shares exchange rate). */
  delegations: { delegator: string; validator: string; amount: bigint }[];
  unbondings: UnbondingDelegation[];
  /** Consensus addresses (openvalcons1…) already slashed for a double sign. */
  tombstoned: string[];
}

function list(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${what} must be an array`);
  return v;
}

function str(v: unknown, what: string, fallback?: string): string {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "string") throw new Error(`${what} must be a string`);
  return v;
}

function int(v: unknown, what: string, fallback?: bigint): bigint {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "string" || !/^(0|[1-9][0-9]{0,76})$/.test(v))
    throw new Error(`${what} must be a non-negative integer string, got ${JSON.stringify(v)}`);
  return BigInt(v);
}

function at<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message}`);
  }
}

function validatorFromJson(raw: unknown, w: string): Validator {
  const o = asObject(raw, w);
  const pk = asObject(o.consensus_pubkey, `${w}.consensus_pubkey`);
  if (pk["@type"] !== ED25519_PUBKEY_URL)
    throw new Error(
      `${w}.consensus_pubkey: @type must be ${ED25519_PUBKEY_URL}, got ${JSON.stringify(pk["@type"])}`,
    );
  const key = at(`${w}.consensus_pubkey.key`, () => fromBase64(str(pk.key, "key")));
  const consensusPubkey = ed25519ToAny(key);
  at(`${w}.consensus_pubkey`, () => ed25519FromAny(consensusPubkey));
  if (o.jailed !== undefined && typeof o.jailed !== "boolean")
    throw new Error(`${w}.jailed must be a boolean`);
  const d = asObject(o.description ?? {}, `${w}.description`);
  const c = asObject(o.commission ?? {}, `${w}.commission`);
  const rates = asObject(c.commission_rates ?? {}, `${w}.commission.commission_rates`);
  const rate = (f: string) =>
    at(`${w}.commission.commission_rates.${f}`, () => parseDecText(str(rates[f], f, "0"), f).toString());
  const tokens = int(o.tokens, `${w}.tokens`);
  return {
    operatorAddress: str(o.operator_address, `${w}.operator_address`),
    consensusPubkey,
    jailed: o.jailed === true,
    status: BondStatus.BOND_STATUS_UNBONDED,
    tokens: tokens.toString(),
    delegatorShares: (tokens * 10n ** 18n).toString(),
    description: {
      moniker: str(d.moniker, `${w}.description.moniker`),
      identity: str(d.identity, `${w}.description.identity`, ""),
      website: str(d.website, `${w}.description.website`, ""),
      securityContact: str(d.security_contact, `${w}.description.security_contact`, ""),
      details: str(d.details, `${w}.description.details`, ""),
    },
    unbondingHeight: 0n,
    unbondingTime: { seconds: 0n, nanos: 0 },
    commission: {
      commissionRates: {
        rate: rate("rate"),
        maxRate: rate("max_rate"),
        maxChangeRate: rate("max_change_rate"),
      },
      updateTime: nsToTimestamp(
        at(`${w}.commission.update_time`, () =>
          rfc3339ToNs(str(c.update_time, "update_time", "1970-01-01T00:00:00Z")),
        ),
      ),
    },
    minSelfDelegation: int(o.min_self_delegation, `${w}.min_self_delegation`, 1n).toString(),
    unbondingOnHoldRefCount: 0n,
    unbondingIds: [],
  };
}

export function genesisFromJson(json: unknown): StakingGenesis {
  const o = asObject(json, "staking genesis");
  const validators = list(o.validators, "staking.validators").map((raw, i) =>
    validatorFromJson(raw, `staking.validators[${i}]`),
  );
  const delegations = list(o.delegations, "staking.delegations").map((raw, i) => {
    const w = `staking.delegations[${i}]`;
    const d = asObject(raw, w);
    return {
      delegator: str(d.delegator_address, `${w}.delegator_address`),
      validator: str(d.validator_address, `${w}.validator_address`),
      amount: int(d.amount, `${w}.amount`),
    };
  });
  const unbondings = list(o.unbonding_delegations, "staking.unbonding_delegations").map((raw, i) => {
    const w = `staking.unbonding_delegations[${i}]`;
    const u = asObject(raw, w);
    return {
      delegatorAddress: str(u.delegator_address, `${w}.delegator_address`),
      validatorAddress: str(u.validator_address, `${w}.validator_address`),
      entries: list(u.entries, `${w}.entries`).map((rawEntry, j) => {
        const we = `${w}.entries[${j}]`;
        const e = asObject(rawEntry, we);
        return {
          creationHeight: int(e.creation_height, `${we}.creation_height`),
          completionTime: nsToTimestamp(
            at(`${we}.completion_time`, () => rfc3339ToNs(str(e.completion_time, "completion_time"))),
          ),
          initialBalance: int(e.initial_balance, `${we}.initial_balance`).toString(),
          balance: int(e.balance, `${we}.balance`).toString(),
          unbondingId: 0n,
          unbondingOnHoldRefCount: 0n,
        };
      }),
    };
  });
  const tombstoned = list(o.tombstoned, "staking.tombstoned").map((t, i) =>
    str(t, `staking.tombstoned[${i}]`),
  );
  return { params: paramsFromJson(o.params), validators, delegations, unbondings, tombstoned };
}

export function genesisToJson(g: StakingGenesis): unknown {
  return {
    params: paramsToJson(g.params),
    validators: g.validators.map((v) => ({
      operator_address: v.operatorAddress,
      consensus_pubkey: { "@type": ED25519_PUBKEY_URL, key: toBase64(ed25519FromAny(v.consensusPubkey)) },
      jailed: v.jailed,
      tokens: v.tokens,
      description: {
        moniker: v.description.moniker,
        identity: v.description.identity,
        website: v.description.website,
        security_contact: v.description.securityContact,
        details: v.description.details,
      },
      commission: {
        commission_rates: {
          rate: formatDecText(BigInt(v.commission.commissionRates.rate)),
          max_rate: formatDecText(BigInt(v.commission.commissionRates.maxRate)),
          max_change_rate: formatDecText(BigInt(v.commission.commissionRates.maxChangeRate)),
        },
        update_time: nsToRfc3339(timestampToNs(v.commission.updateTime)),
      },
      min_self_delegation: v.minSelfDelegation,
    })),
    delegations: g.delegations.map((d) => ({
      delegator_address: d.delegator,
      validator_address: d.validator,
      amount: d.amount.toString(),
    })),
    unbonding_delegations: g.unbondings.map((u) => ({
      delegator_address: u.delegatorAddress,
      validator_address: u.validatorAddress,
      entries: u.entries.map((e) => ({
        creation_height: e.creationHeight.toString(),
        completion_time: nsToRfc3339(timestampToNs(e.completionTime)),
        initial_balance: e.initialBalance,
        balance: e.balance,
      })),
    })),
    tombstoned: g.tombstoned,
  };
}
