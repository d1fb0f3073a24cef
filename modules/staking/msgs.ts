// staking messages: MsgCreateValidator, MsgDelegate, MsgUndelegate (the stock
// cosmos.staking.v1beta1 types, so cosmjs's SigningStargateClient sends them unchanged).
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import { BondStatus, type Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import {
  MsgCreateValidator,
  MsgCreateValidatorResponse,
  MsgDelegate,
  MsgDelegateResponse,
  MsgUndelegate,
  MsgUndelegateResponse,
} from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { formatAddress, parseAddress } from "../../node/app/address.js";
import { parseAmount, validateDenom } from "../../node/app/coins.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import type { MsgType } from "../../node/app/module.js";
import { consensusAddress, ed25519FromAny, ed25519ToAny, formatValoper, parseValoper } from "./address.js";
import { checkDelegation, checkDescription, parseCommission } from "./checks.js";
import { checkBondDenom, delegate, mustGetValidator, undelegate } from "./delegation.js";
import { StakingCode, stakingError } from "./errors.js";
import type { StakingKeeper } from "./keeper.js";
import { nsToTimestamp } from "./time.js";

const URL = "/cosmos.staking.v1beta1.";
export const MSG_CREATE_VALIDATOR_URL = `${URL}MsgCreateValidator`;
export const MSG_DELEGATE_URL = `${URL}MsgDelegate`;
export const MSG_UNDELEGATE_URL = `${URL}MsgUndelegate`;

/** A positive amount of a valid denom (the denom is checked against params in the handler). */
function amountOf(coin: Coin | undefined, what: string): bigint {
  if (!coin) throw sdkError(SdkCode.InvalidRequest, `invalid ${what} amount: missing`);
  validateDenom(coin.denom);
  const amount = parseAmount(coin.amount, `${what} amount`);
  if (amount === 0n) throw sdkError(SdkCode.InvalidRequest, `invalid ${what} amount: must be positive`);
  return amount;
}

function minSelfDelegation(msg: MsgCreateValidator): bigint {
  const min = /^[1-9][0-9]{0,76}$/.test(msg.minSelfDelegation) ? BigInt(msg.minSelfDelegation) : 0n;
  if (min === 0n)
    throw sdkError(
      SdkCode.InvalidRequest,
      `min_self_delegation must be a positive integer, got ${JSON.stringify(msg.minSelfDelegation)}`,
    );
  return min;
}

export function stakingMsgs(keeper: StakingKeeper): MsgType<unknown>[] {
  const createValidator: MsgType<MsgCreateValidator> = {
    typeUrl: MSG_CREATE_VALIDATOR_URL,
    decode: (bytes) => MsgCreateValidator.decode(bytes),
    // SDK v0.50: the signer is the operator (validator_address as an account).
    signers: (msg) => [formatAddress(parseValoper(msg.validatorAddress))],
    validateBasic(msg) {
      const operator = parseValoper(msg.validatorAddress);
      if (msg.delegatorAddress !== "") {
        const delegator = parseAddress(msg.delegatorAddress, "delegator_address");
        if (Buffer.compare(delegator, operator) !== 0)
          throw sdkError(
            SdkCode.InvalidAddress,
            `delegator_address ${msg.delegatorAddress} must be empty or the operator's own account ${formatAddress(operator)}`,
          );
      }
      ed25519FromAny(msg.pubkey);
      const amount = amountOf(msg.value, "delegation");
      checkDescription(msg.description);
      parseCommission(msg.commission);
      const min = minSelfDelegation(msg);
      if (amount < min)
        throw stakingError(
          StakingCode.SelfDelegationBelowMinimum,
          `self delegation ${amount} is below min_self_delegation ${min}`,
        );
    },
    handle(ctx, msg) {
      const operator = parseValoper(msg.validatorAddress);
      const pubKey = ed25519FromAny(msg.pubkey);
      checkBondDenom(keeper, ctx, msg.value.denom);
      if (keeper.getValidator(ctx, operator))
        throw stakingError(StakingCode.ValidatorOwnerExists, msg.validatorAddress);
      if (keeper.operatorByConsAddr(ctx, consensusAddress(pubKey)))
        throw stakingError(StakingCode.ValidatorPubKeyExists, Buffer.from(pubKey).toString("base64"));
      const validator: Validator = {
        operatorAddress: formatValoper(operator),
        consensusPubkey: ed25519ToAny(pubKey),
        jailed: false,
        status: BondStatus.BOND_STATUS_UNBONDED,
        tokens: "0",
        delegatorShares: "0",
        description: msg.description,
        unbondingHeight: 0n,
        unbondingTime: { seconds: 0n, nanos: 0 },
        commission: { commissionRates: msg.commission, updateTime: nsToTimestamp(ctx.header.timeNs) },
        minSelfDelegation: msg.minSelfDelegation,
        unbondingOnHoldRefCount: 0n,
        unbondingIds: [],
      };
      keeper.setValidator(ctx, validator);
      const amount = BigInt(msg.value.amount);
      delegate(keeper, ctx, operator, validator, operator, amount);
      ctx.events.emit("create_validator", {
        validator: validator.operatorAddress,
        amount: `${amount}${msg.value.denom}`,
      });
      return {
        typeUrl: `${MSG_CREATE_VALIDATOR_URL}Response`,
        value: MsgCreateValidatorResponse.encode({}).finish(),
      };
    },
  };

  const delegateMsg: MsgType<MsgDelegate> = {
    typeUrl: MSG_DELEGATE_URL,
    decode: (bytes) => MsgDelegate.decode(bytes),
    signers: (msg) => [msg.delegatorAddress],
    validateBasic(msg) {
      checkDelegation(msg.delegatorAddress, msg.validatorAddress);
      amountOf(msg.amount, "delegation");
    },
    handle(ctx, msg) {
      const delegator = parseAddress(msg.delegatorAddress, "delegator_address");
      const operator = parseValoper(msg.validatorAddress);
      checkBondDenom(keeper, ctx, msg.amount.denom);
      const validator = mustGetValidator(keeper, ctx, operator);
      delegate(keeper, ctx, delegator, validator, operator, BigInt(msg.amount.amount));
      return { typeUrl: `${MSG_DELEGATE_URL}Response`, value: MsgDelegateResponse.encode({}).finish() };
    },
  };

  const undelegateMsg: MsgType<MsgUndelegate> = {
    typeUrl: MSG_UNDELEGATE_URL,
    decode: (bytes) => MsgUndelegate.decode(bytes),
    signers: (msg) => [msg.delegatorAddress],
    validateBasic(msg) {
      checkDelegation(msg.delegatorAddress, msg.validatorAddress);
      amountOf(msg.amount, "shares");
    },
    handle(ctx, msg) {
      const delegator = parseAddress(msg.delegatorAddress, "delegator_address");
      const operator = parseValoper(msg.validatorAddress);
      checkBondDenom(keeper, ctx, msg.amount.denom);
      const amount = BigInt(msg.amount.amount);
      const completionNs = undelegate(keeper, ctx, delegator, operator, amount);
      return {
        typeUrl: `${MSG_UNDELEGATE_URL}Response`,
        value: MsgUndelegateResponse.encode({
          completionTime: nsToTimestamp(completionNs),
          amount: { denom: msg.amount.denom, amount: amount.toString() },
        }).finish(),
      };
    },
  };

  return [createValidator, delegateMsg, undelegateMsg] as MsgType<unknown>[];
}
