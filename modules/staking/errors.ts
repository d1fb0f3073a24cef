// The staking module's error codes (codespace "staking"), the numbers and descriptions of the
// Cosmos SDK's x/staking/types/errors.go for the cases this module has.
import { errorFactory } from "../../node/app/errors.js";

export const CODESPACE = "staking";

export enum StakingCode {
  EmptyValidatorAddr = 2,
  NoValidatorFound = 3,
  ValidatorOwnerExists = 4,
  ValidatorPubKeyExists = 5,
  ValidatorPubKeyTypeNotSupported = 6,
  CommissionNegative = 9,
  CommissionHuge = 10,
  CommissionGTMaxRate = 11,
  CommissionChangeRateGTMaxRate = 14,
  SelfDelegationBelowMinimum = 16,
  EmptyDelegatorAddr = 18,
  NoDelegation = 19,
  NotEnoughDelegationShares = 24,
  NoUnbondingDelegation = 26,
  MaxUnbondingDelegationEntries = 27,
  EmptyValidatorPubKey = 39,
}

const DESCRIPTIONS: Record<StakingCode, string> = {
  [StakingCode.EmptyValidatorAddr]: "empty validator address",
  [StakingCode.NoValidatorFound]: "validator does not exist",
  [StakingCode.ValidatorOwnerExists]:
    "validator already exist for this operator address; must use new validator operator address",
  [StakingCode.ValidatorPubKeyExists]:
    "validator already exist for this pubkey; must use new validator pubkey",
  [StakingCode.ValidatorPubKeyTypeNotSupported]: "validator pubkey type is not supported",
  [StakingCode.CommissionNegative]: "commission must be positive",
  [StakingCode.CommissionHuge]: "commission cannot be more than 100%",
  [StakingCode.CommissionGTMaxRate]: "commission cannot be more than the max rate",
  [StakingCode.CommissionChangeRateGTMaxRate]: "commission change rate cannot be more than the max rate",
  [StakingCode.SelfDelegationBelowMinimum]:
    "validator's self delegation must be greater than their minimum self delegation",
  [StakingCode.EmptyDelegatorAddr]: "empty delegator address",
  [StakingCode.NoDelegation]: "no delegation for (address, validator) tuple",
  [StakingCode.NotEnoughDelegationShares]: "not enough delegation shares",
  [StakingCode.NoUnbondingDelegation]: "no unbonding delegation found",
  [StakingCode.MaxUnbondingDelegationEntries]:
    "too many unbonding delegation entries for (delegator, validator) tuple",
  [StakingCode.EmptyValidatorPubKey]: "empty validator public key",
};

export const stakingError = errorFactory(CODESPACE, DESCRIPTIONS);
