// The settlement keeper: params and settled payments (by payer and nonce, indexed by payee). It
// alone reads and writes the "settlement" store; funds move through bank, model payments open
// attribution jobs through attribution.
import { parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import { concatBytes } from "../../node/crypto/merkle.js";
import { type KVStore, prefixEnd } from "../../node/store/kv.js";
import { Params, Payment } from "../../proto/gen/openledger/settlement/v1/types.js";
import type { SettlementAttribution, SettlementBank } from "./expected.js";
import * as keys from "./keys.js";
import { DEFAULT_PARAMS } from "./params.js";

export const DEFAULT_PAGE_LIMIT = 100n;
export const MAX_PAGE_LIMIT = 1000n;

export class SettlementKeeper {
  constructor(
    readonly bank: SettlementBank,
    readonly attribution: SettlementAttribution,
  ) {}

  store(ctx: Context): KVStore {
    return ctx.kvStore(keys.STORE);
  }

  getParams(ctx: Context): Params {
    const raw = this.store(ctx).get(keys.PARAMS_KEY);
    return raw ? Params.decode(raw) : { ...DEFAULT_PARAMS };
  }

  setParams(ctx: Context, p: Params): void {
    this.store(ctx).set(keys.PARAMS_KEY, Params.encode(p).finish());
  }

  getPayment(ctx: Context, payer: Uint8Array, nonce: Uint8Array): Payment | undefined {
    const raw = this.store(ctx).get(keys.paymentKey(payer, nonce));
    return raw ? Payment.decode(raw) : undefined;
  }

  hasPayment(ctx: Context, payer: Uint8Array, nonce: Uint8Array): boolean {
    return this.store(ctx).has(keys.paymentKey(payer, nonce));
  }

  /** Writes the payment and its payee index entry. */
  setPayment(ctx: Context, p: Payment): void {
    const a = p.authorization!;
    const payer = parseAddress(a.from);
    const store = this.store(ctx);
    store.set(keys.paymentKey(payer, a.nonce), Payment.encode(p).finish());
    store.set(keys.payeeKey(parseAddress(a.to), payer, a.nonce), keys.PRESENT);
  }

  /** Every payment, in key order (payer, nonce). */
  *payments(ctx: Context): Generator<Payment> {
    const p = keys.PAYMENT_PREFIX;
    for (const [, v] of this.store(ctx).iterator(p, prefixEnd(p))) yield Payment.decode(v);
  }

  /** A payer's payments in nonce order from `key` (a nonce; empty: the first). */
  byPayer(ctx: Context, payer: Uint8Array, key: Uint8Array, limit: bigint): Page {
    if (key.length !== 0 && key.length !== keys.NONCE_BYTES)
      throw sdkError(SdkCode.InvalidRequest, `pagination key must be empty or 32 bytes, got ${key.length}`);
    const max = pageMax(limit);
    const p = keys.payerPrefix(payer);
    const payments: Payment[] = [];
    for (const [k, v] of this.store(ctx).iterator(concatBytes(p, key), prefixEnd(p))) {
      if (BigInt(payments.length) === max) return { payments, nextKey: k.slice(p.length) };
      payments.push(Payment.decode(v));
    }
    return { payments, nextKey: new Uint8Array(0) };
  }

  /** A payee's payments in (payer, nonce) order from `key` (lp(payer) ‖ nonce; empty: the first). */
  byPayee(ctx: Context, payee: Uint8Array, key: Uint8Array, limit: bigint): Page {
    const max = pageMax(limit);
    const p = keys.payeePrefix(payee);
    const payments: Payment[] = [];
    for (const [k] of this.store(ctx).iterator(concatBytes(p, key), prefixEnd(p))) {
      const rest = k.slice(p.length);
      if (BigInt(payments.length) === max) return { payments, nextKey: rest };
      const n = rest[0]!;
      const payment = this.getPayment(ctx, rest.slice(1, 1 + n), rest.slice(1 + n));
      if (!payment) throw new Error("settlement store: payee index names a missing payment");
      payments.push(payment);
    }
    return { payments, nextKey: new Uint8Array(0) };
  }
}

export interface Page {
  payments: Payment[];
  nextKey: Uint8Array;
}

function pageMax(limit: bigint): bigint {
  if (limit > MAX_PAGE_LIMIT)
    throw sdkError(SdkCode.InvalidRequest, `pagination limit ${limit} is more than ${MAX_PAGE_LIMIT}`);
  return limit === 0n ? DEFAULT_PAGE_LIMIT : limit;
}
