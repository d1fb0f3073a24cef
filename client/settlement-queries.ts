// The settlement QueryClient extension (x402 payments), in the style of cosmjs's setupBankExtension:
// QueryClient.withExtensions(cometClient, setupSettlementExtension).settlement.payment(payer, nonce).
import type { QueryClient } from "@cosmjs/stargate";
import * as q from "../proto/gen/openledger/settlement/v1/query.js";
import type { Params, Payment } from "../proto/gen/openledger/settlement/v1/types.js";
import { type PageInput, present, unary } from "./abci.js";
import * as c from "./checks.js";
import { modelsPage } from "./models-queries.js";
import { fixedBytes, SETTLEMENT_LIMITS } from "./settlement-msgs.js";

export const SETTLEMENT_QUERY_SERVICE = "openledger.settlement.v1.Query";

export interface SettlementExtension {
  readonly settlement: {
    /**
     * A settled payment by payer and nonce (32 bytes, or 64 hex characters with or without 0x, as
     * an x402 authorization writes it); rejects with code 10 (codespace settlement) when there is none.
     */
    readonly payment: (payer: string, nonce: Uint8Array | string) => Promise<Payment>;
    /** A payer's payments in nonce order. */
    readonly paymentsByPayer: (payer: string, pagination?: PageInput) => Promise<q.QueryPaymentsResponse>;
    /** Payments to a payee in (payer, nonce) order. */
    readonly paymentsByPayee: (payee: string, pagination?: PageInput) => Promise<q.QueryPaymentsResponse>;
    readonly params: () => Promise<Params>;
  };
}

export function setupSettlementExtension(base: QueryClient): SettlementExtension {
  const call = <Req, Res>(
    method: string,
    req: { encode(m: Req): { finish(): Uint8Array } },
    res: { decode(b: Uint8Array): Res },
  ) => unary(base, SETTLEMENT_QUERY_SERVICE, method, req, res);
  const payment = call("Payment", q.QueryPaymentRequest, q.QueryPaymentResponse);
  const byPayer = call("PaymentsByPayer", q.QueryPaymentsByPayerRequest, q.QueryPaymentsResponse);
  const byPayee = call("PaymentsByPayee", q.QueryPaymentsByPayeeRequest, q.QueryPaymentsResponse);
  const params = call("Params", q.QueryParamsRequest, q.QueryParamsResponse);
  return {
    settlement: {
      payment: async (payer, nonce) => {
        const request = {
          payer: c.address("payer", payer),
          nonce: fixedBytes("nonce", nonce, SETTLEMENT_LIMITS.nonceBytes),
        };
        return present((await payment(request)).payment, "payment");
      },
      paymentsByPayer: async (payer, pagination) =>
        byPayer({ payer: c.address("payer", payer), pagination: modelsPage(pagination) }),
      paymentsByPayee: async (payee, pagination) =>
        byPayee({ payee: c.address("payee", payee), pagination: modelsPage(pagination) }),
      params: async () => present((await params({})).params, "params"),
    },
  };
}
