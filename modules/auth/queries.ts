// auth gRPC query routes, served through abci_query.
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import {
  QueryAccountRequest,
  QueryAccountResponse,
  QueryParamsResponse,
} from "cosmjs-types/cosmos/auth/v1beta1/query";
import { parseAddress } from "../../node/app/address.js";
import { AbciError, SDK, SdkCode, sdkError } from "../../node/app/errors.js";
import type { QueryRoute } from "../../node/app/module.js";
import type { AuthKeeper } from "./keeper.js";

export function authQueries(keeper: AuthKeeper): QueryRoute[] {
  return [
    {
      path: "/cosmos.auth.v1beta1.Query/Account",
      handle(ctx, data) {
        const req = decode(() => QueryAccountRequest.decode(data));
        const address = parseAddress(req.address);
        const account = keeper.getAccount(ctx, address);
        if (!account) {
          // The exact log cosmjs matches to return null for an unknown account.
          throw new AbciError(
            SDK,
            SdkCode.KeyNotFound,
            `rpc error: code = NotFound desc = account ${req.address} not found: key not found`,
          );
        }
        const any = {
          typeUrl: "/cosmos.auth.v1beta1.BaseAccount",
          value: BaseAccount.encode(account).finish(),
        };
        return QueryAccountResponse.encode({ account: any }).finish();
      },
    },
    {
      path: "/cosmos.auth.v1beta1.Query/Params",
      handle(ctx) {
        return QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish();
      },
    },
  ];
}

export function decode<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw sdkError(SdkCode.InvalidRequest, `cannot decode query request: ${(err as Error).message}`);
  }
}
