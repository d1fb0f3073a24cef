// staking gRPC query routes (/cosmos.staking.v1beta1.Query/*), served through abci_query with the
// stock request and response types: what cosmjs's setupStakingExtension calls. Shares are reported
// as 18-decimal atomics equal to the tokens (this module keeps no exchange rate, see README).
import {
  QueryDelegationRequest,
  QueryDelegationResponse,
  QueryDelegatorDelegationsRequest,
  QueryDelegatorDelegationsResponse,
  QueryDelegatorUnbondingDelegationsRequest,
  QueryDelegatorUnbondingDelegationsResponse,
  QueryDelegatorValidatorRequest,
  QueryDelegatorValidatorResponse,
  QueryDelegatorValidatorsRequest,
  QueryDelegatorValidatorsResponse,
  QueryParamsResponse,
  QueryPoolResponse,
  QueryRedelegationsRequest,
  QueryRedelegationsResponse,
  QueryUnbondingDelegationRequest,
  QueryUnbondingDelegationResponse,
  QueryValidatorDelegationsRequest,
  QueryValidatorDelegationsResponse,
  QueryValidatorRequest,
  QueryValidatorResponse,
  QueryValidatorsRequest,
  QueryValidatorsResponse,
  QueryValidatorUnbondingDelegationsRequest,
  QueryValidatorUnbondingDelegationsResponse,
} from "cosmjs-types/cosmos/staking/v1beta1/query";
import {
  BondStatus,
  bondStatusToJSON,
  type DelegationResponse,
  UnbondingDelegation,
  Validator,
} from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { formatAddress, parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import type { QueryRoute } from "../../node/app/module.js";
import { decode } from "../auth/queries.js";
import { formatValoper, parseValoper } from "./address.js";
import { StakingCode, stakingError } from "./errors.js";
import type { StakingKeeper } from "./keeper.js";
import * as keys from "./keys.js";
import { paginate } from "./paging.js";
import { DEC_ONE } from "./params.js";

export const QUERY_PREFIX = "/cosmos.staking.v1beta1.Query/";

const fromUtf8 = new TextDecoder();
const STATUSES = new Set(
  [BondStatus.BOND_STATUS_BONDED, BondStatus.BOND_STATUS_UNBONDING, BondStatus.BOND_STATUS_UNBONDED].map(
    bondStatusToJSON,
  ),
);

type Handler = (ctx: Context, data: Uint8Array) => Uint8Array;

export function stakingQueries(keeper: StakingKeeper): QueryRoute[] {
  const response = (
    ctx: Context,
    delegator: Uint8Array,
    operator: Uint8Array,
    amount: bigint,
  ): DelegationResponse => ({
    delegation: {
      delegatorAddress: formatAddress(delegator),
      validatorAddress: formatValoper(operator),
      shares: (amount * DEC_ONE).toString(),
    },
    balance: { denom: keeper.getParams(ctx).bondDenom, amount: amount.toString() },
  });
  const validatorOr404 = (ctx: Context, operator: Uint8Array): Validator => {
    const v = keeper.getValidator(ctx, operator);
    if (!v)
      throw stakingError(StakingCode.NoValidatorFound, `validator ${formatValoper(operator)} not found`);
    return v;
  };
  const suffixAddress = (suffix: Uint8Array) => suffix.slice(1, 1 + suffix[0]!);

  const routes: Record<string, Handler> = {
    Validators(ctx, data) {
      const req = decode(() => QueryValidatorsRequest.decode(data));
      if (req.status !== "" && !STATUSES.has(req.status))
        throw sdkError(SdkCode.InvalidRequest, `invalid validator status ${JSON.stringify(req.status)}`);
      const { items, pagination } = paginate(ctx, keys.VALIDATOR_PREFIX, req.pagination, (_k, v) => {
        const validator = Validator.decode(v);
        return req.status === "" || bondStatusToJSON(validator.status) === req.status ? validator : undefined;
      });
      return QueryValidatorsResponse.encode({ validators: items, pagination }).finish();
    },
    Validator(ctx, data) {
      const req = decode(() => QueryValidatorRequest.decode(data));
      const validator = validatorOr404(ctx, parseValoper(req.validatorAddr, "validator_addr"));
      return QueryValidatorResponse.encode({ validator }).finish();
    },
    ValidatorDelegations(ctx, data) {
      const req = decode(() => QueryValidatorDelegationsRequest.decode(data));
      const operator = parseValoper(req.validatorAddr, "validator_addr");
      const prefix = keys.delegationsToPrefix(operator);
      const { items, pagination } = paginate(ctx, prefix, req.pagination, (suffix) => {
        const delegator = suffixAddress(suffix);
        return response(ctx, delegator, operator, keeper.getDelegation(ctx, delegator, operator));
      });
      return QueryValidatorDelegationsResponse.encode({ delegationResponses: items, pagination }).finish();
    },
    ValidatorUnbondingDelegations(ctx, data) {
      const req = decode(() => QueryValidatorUnbondingDelegationsRequest.decode(data));
      const operator = parseValoper(req.validatorAddr, "validator_addr");
      const prefix = keys.unbondingsFromPrefix(operator);
      const { items, pagination } = paginate(ctx, prefix, req.pagination, (suffix) =>
        keeper.getUnbonding(ctx, suffixAddress(suffix), operator),
      );
      return QueryValidatorUnbondingDelegationsResponse.encode({
        unbondingResponses: items,
        pagination,
      }).finish();
    },
    Delegation(ctx, data) {
      const req = decode(() => QueryDelegationRequest.decode(data));
      const delegator = parseAddress(req.delegatorAddr, "delegator_addr");
      const operator = parseValoper(req.validatorAddr, "validator_addr");
      const amount = keeper.getDelegation(ctx, delegator, operator);
      if (amount === 0n)
        throw stakingError(
          StakingCode.NoDelegation,
          `delegation with delegator ${req.delegatorAddr} not found for validator ${req.validatorAddr}`,
        );
      return QueryDelegationResponse.encode({
        delegationResponse: response(ctx, delegator, operator, amount),
      }).finish();
    },
    UnbondingDelegation(ctx, data) {
      const req = decode(() => QueryUnbondingDelegationRequest.decode(data));
      const delegator = parseAddress(req.delegatorAddr, "delegator_addr");
      const unbond = keeper.getUnbonding(ctx, delegator, parseValoper(req.validatorAddr, "validator_addr"));
      if (!unbond)
        throw stakingError(
          StakingCode.NoUnbondingDelegation,
          `unbonding delegation with delegator ${req.delegatorAddr} not found for validator ${req.validatorAddr}`,
        );
      return QueryUnbondingDelegationResponse.encode({ unbond }).finish();
    },
    DelegatorDelegations(ctx, data) {
      const req = decode(() => QueryDelegatorDelegationsRequest.decode(data));
      const delegator = parseAddress(req.delegatorAddr, "delegator_addr");
      const prefix = keys.delegationsOfPrefix(delegator);
      const { items, pagination } = paginate(ctx, prefix, req.pagination, (suffix, v) =>
        response(ctx, delegator, suffixAddress(suffix), BigInt(fromUtf8.decode(v))),
      );
      return QueryDelegatorDelegationsResponse.encode({ delegationResponses: items, pagination }).finish();
    },
    DelegatorUnbondingDelegations(ctx, data) {
      const req = decode(() => QueryDelegatorUnbondingDelegationsRequest.decode(data));
      const prefix = keys.unbondingsOfPrefix(parseAddress(req.delegatorAddr, "delegator_addr"));
      const { items, pagination } = paginate(ctx, prefix, req.pagination, (_k, v) =>
        UnbondingDelegation.decode(v),
      );
      return QueryDelegatorUnbondingDelegationsResponse.encode({
        unbondingResponses: items,
        pagination,
      }).finish();
    },
    DelegatorValidators(ctx, data) {
      const req = decode(() => QueryDelegatorValidatorsRequest.decode(data));
      const prefix = keys.delegationsOfPrefix(parseAddress(req.delegatorAddr, "delegator_addr"));
      const { items, pagination } = paginate(ctx, prefix, req.pagination, (suffix) =>
        keeper.getValidator(ctx, suffixAddress(suffix)),
      );
      return QueryDelegatorValidatorsResponse.encode({ validators: items, pagination }).finish();
    },
    DelegatorValidator(ctx, data) {
      const req = decode(() => QueryDelegatorValidatorRequest.decode(data));
      const delegator = parseAddress(req.delegatorAddr, "delegator_addr");
      const operator = parseValoper(req.validatorAddr, "validator_addr");
      if (keeper.getDelegation(ctx, delegator, operator) === 0n)
        throw stakingError(
          StakingCode.NoDelegation,
          `${req.delegatorAddr} has no delegation to ${req.validatorAddr}`,
        );
      return QueryDelegatorValidatorResponse.encode({ validator: validatorOr404(ctx, operator) }).finish();
    },
    Redelegations(_ctx, data) {
      const req = decode(() => QueryRedelegationsRequest.decode(data));
      if (req.delegatorAddr !== "") parseAddress(req.delegatorAddr, "delegator_addr");
      // Redelegation does not exist on this chain (README): there is never one to list.
      return QueryRedelegationsResponse.encode({
        redelegationResponses: [],
        pagination: { nextKey: new Uint8Array(0), total: 0n },
      }).finish();
    },
    HistoricalInfo() {
      throw sdkError(SdkCode.NotSupported, "staking HistoricalInfo is not kept (historical_entries is 0)");
    },
    Pool(ctx) {
      const { bondDenom } = keeper.getParams(ctx);
      return QueryPoolResponse.encode({
        pool: {
          bondedTokens: keeper.bank.getBalance(ctx, keeper.bondedPool, bondDenom).toString(),
          notBondedTokens: keeper.bank.getBalance(ctx, keeper.notBondedPool, bondDenom).toString(),
        },
      }).finish();
    },
    Params(ctx) {
      const p = keeper.getParams(ctx);
      return QueryParamsResponse.encode({
        params: {
          unbondingTime: { seconds: p.unbondingTimeSeconds, nanos: 0 },
          maxValidators: p.maxValidators,
          maxEntries: p.maxEntries,
          historicalEntries: 0,
          bondDenom: p.bondDenom,
          minCommissionRate: "0",
        },
      }).finish();
    },
  };
  return Object.entries(routes).map(([name, handle]) => ({ path: `${QUERY_PREFIX}${name}`, handle }));
}
