// settlement gRPC query routes, served through abci_query at /openledger.settlement.v1.Query/<Name>.
import { toHex } from "@cosmjs/encoding";
import { parseAddress } from "../../node/app/address.js";
import type { QueryRoute } from "../../node/app/module.js";
import {
  QueryParamsResponse,
  QueryPaymentRequest,
  QueryPaymentResponse,
  QueryPaymentsByPayeeRequest,
  QueryPaymentsByPayerRequest,
  QueryPaymentsResponse,
} from "../../proto/gen/openledger/settlement/v1/query.js";
import { decode } from "../auth/queries.js";
import { SettlementCode, settlementError } from "./errors.js";
import type { Page, SettlementKeeper } from "./keeper.js";

export const QUERY_PREFIX = "/openledger.settlement.v1.Query/";

const page = (p: Page) =>
  QueryPaymentsResponse.encode({ payments: p.payments, pagination: { nextKey: p.nextKey } }).finish();

export function settlementQueries(keeper: SettlementKeeper): QueryRoute[] {
  return [
    {
      path: `${QUERY_PREFIX}Payment`,
      handle(ctx, data) {
        const req = decode(() => QueryPaymentRequest.decode(data));
        const payment = keeper.getPayment(ctx, parseAddress(req.payer, "payer"), req.nonce);
        if (!payment)
          throw settlementError(
            SettlementCode.PaymentNotFound,
            `no payment of ${req.payer} with nonce ${toHex(req.nonce)}`,
          );
        return QueryPaymentResponse.encode({ payment }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}PaymentsByPayer`,
      handle(ctx, data) {
        const req = decode(() => QueryPaymentsByPayerRequest.decode(data));
        const { key, limit } = req.pagination ?? { key: new Uint8Array(0), limit: 0n };
        return page(keeper.byPayer(ctx, parseAddress(req.payer, "payer"), key, limit));
      },
    },
    {
      path: `${QUERY_PREFIX}PaymentsByPayee`,
      handle(ctx, data) {
        const req = decode(() => QueryPaymentsByPayeeRequest.decode(data));
        const { key, limit } = req.pagination ?? { key: new Uint8Array(0), limit: 0n };
        return page(keeper.byPayee(ctx, parseAddress(req.payee, "payee"), key, limit));
      },
    },
    {
      path: `${QUERY_PREFIX}Params`,
      handle(ctx) {
        return QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish();
      },
    },
  ];
}
