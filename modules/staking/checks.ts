// Stateless checks shared by the messages and genesis: addresses, description lengths (the SDK's
// limits) and commission rates (18-decimal atomics on the wire, as the SDK's LegacyDec).
import type { CommissionRates, Description } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { parseAddress } from "../../node/app/address.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import { parseValoper } from "./address.js";
import { StakingCode, stakingError } from "./errors.js";
import { DEC_ONE } from "./params.js";

export const DESCRIPTION_LIMITS = {
  moniker: 70,
  identity: 3000,
  website: 140,
  securityContact: 140,
  details: 280,
} as const;

export function checkDelegation(delegatorAddress: string, validatorAddress: string): void {
  if (!delegatorAddress) throw stakingError(StakingCode.EmptyDelegatorAddr, "delegator_address is empty");
  parseAddress(delegatorAddress, "delegator_address");
  parseValoper(validatorAddress);
}

export function checkDescription(d: Description | undefined): void {
  if (!d || d.moniker.trim() === "") throw sdkError(SdkCode.InvalidRequest, "description.moniker is empty");
  for (const [field, max] of Object.entries(DESCRIPTION_LIMITS)) {
    const value = d[field as keyof Description];
    if (value.length > max)
      throw sdkError(
        SdkCode.InvalidRequest,
        `description.${field} is ${value.length} characters, at most ${max}`,
      );
  }
}

export interface Rates {
  rate: bigint;
  maxRate: bigint;
  maxChangeRate: bigint;
}

function atomics(value: string, field: string): bigint {
  if (!/^(0|[1-9][0-9]{0,40})$/.test(value))
    throw stakingError(
      StakingCode.CommissionNegative,
      `commission.${field} must be a non-negative 18-decimal fixed-point integer (e.g. 100000000000000000 = 0.1), got ${JSON.stringify(value)}`,
    );
  return BigInt(value);
}

/** The SDK's CommissionRates.Validate. */
export function parseCommission(c: CommissionRates | undefined): Rates {
  const r: Rates = {
    rate: atomics(c?.rate ?? "", "rate"),
    maxRate: atomics(c?.maxRate ?? "", "max_rate"),
    maxChangeRate: atomics(c?.maxChangeRate ?? "", "max_change_rate"),
  };
  checkRates(r);
  return r;
}

export function checkRates(r: Rates): void {
  if (r.maxRate > DEC_ONE) throw stakingError(StakingCode.CommissionHuge, "max_rate is above 1");
  if (r.rate > r.maxRate) throw stakingError(StakingCode.CommissionGTMaxRate, "rate is above max_rate");
  if (r.maxChangeRate > r.maxRate)
    throw stakingError(StakingCode.CommissionChangeRateGTMaxRate, "max_change_rate is above max_rate");
}
