// bank gRPC query routes, served through abci_query. Answers as x/bank does: a Balance query
// for an unknown denom returns "0", never an absent balance (cosmjs needs it present).
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
  QueryDenomMetadataRequest,
  QueryDenomMetadataResponse,
  QueryDenomsMetadataResponse,
  QueryParamsResponse,
  QuerySendEnabledRequest,
  QuerySendEnabledResponse,
  QuerySupplyOfRequest,
  QuerySupplyOfResponse,
  QueryTotalSupplyResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import { parseAddress } from "../../node/app/address.js";
import { toCoin, validateDenom } from "../../node/app/coins.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import type { QueryRoute } from "../../node/app/module.js";
import { decode } from "../auth/queries.js";
import type { BankKeeper } from "./keeper.js";

const Q = "/cosmos.bank.v1beta1.Query/";

export function bankQueries(keeper: BankKeeper): QueryRoute[] {
  return [
    {
      path: `${Q}Balance`,
      handle(ctx, data) {
        const req = decode(() => QueryBalanceRequest.decode(data));
        const address = parseAddress(req.address);
        validateDenom(req.denom);
        const amount = keeper.getBalance(ctx, address, req.denom);
        return QueryBalanceResponse.encode({ balance: toCoin({ denom: req.denom, amount }) }).finish();
      },
    },
    {
      path: `${Q}AllBalances`,
      handle(ctx, data) {
        const req = decode(() => QueryAllBalancesRequest.decode(data));
        const balances = keeper.getAllBalances(ctx, parseAddress(req.address)).map(toCoin);
        return QueryAllBalancesResponse.encode({ balances }).finish();
      },
    },
    {
      path: `${Q}TotalSupply`,
      handle(ctx) {
        return QueryTotalSupplyResponse.encode({ supply: keeper.getTotalSupply(ctx).map(toCoin) }).finish();
      },
    },
    {
      path: `${Q}SupplyOf`,
      handle(ctx, data) {
        const req = decode(() => QuerySupplyOfRequest.decode(data));
        validateDenom(req.denom);
        const amount = toCoin({ denom: req.denom, amount: keeper.getSupply(ctx, req.denom) });
        return QuerySupplyOfResponse.encode({ amount }).finish();
      },
    },
    {
      path: `${Q}Params`,
      handle(ctx) {
        return QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish();
      },
    },
    {
      path: `${Q}DenomMetadata`,
      handle(ctx, data) {
        const req = decode(() => QueryDenomMetadataRequest.decode(data));
        const metadata = keeper.getDenomMetadata(ctx, req.denom);
        if (!metadata) throw sdkError(SdkCode.NotFound, `client metadata for denom ${req.denom}`);
        return QueryDenomMetadataResponse.encode({ metadata }).finish();
      },
    },
    {
      path: `${Q}DenomsMetadata`,
      handle(ctx) {
        return QueryDenomsMetadataResponse.encode({ metadatas: [...keeper.allDenomMetadata(ctx)] }).finish();
      },
    },
    {
      path: `${Q}SendEnabled`,
      handle(ctx, data) {
        const req = decode(() => QuerySendEnabledRequest.decode(data));
        const sendEnabled = req.denoms.map((denom) => ({ denom, enabled: keeper.isSendEnabled(ctx, denom) }));
        return QuerySendEnabledResponse.encode({ sendEnabled }).finish();
      },
    },
  ];
}
