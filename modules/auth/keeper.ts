// The auth keeper: accounts (number, sequence, pubkey), the global account number and params.
// It alone reads and writes the "auth" store.
import { BaseAccount, Params } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { formatAddress, parseAddress } from "../../node/app/address.js";
import { formatDec, parseDec } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import { prefixEnd } from "../../node/store/kv.js";
import * as keys from "./keys.js";

export const SECP256K1_PUBKEY_URL = "/cosmos.crypto.secp256k1.PubKey";

export const DEFAULT_PARAMS: Params = {
  maxMemoCharacters: 256n,
  txSigLimit: 7n,
  txSizeCostPerByte: 10n,
  sigVerifyCostEd25519: 590n,
  sigVerifyCostSecp256k1: 1000n,
};

export class AuthKeeper {
  private store(ctx: Context) {
    return ctx.kvStore(keys.STORE);
  }

  getAccount(ctx: Context, address: Uint8Array): BaseAccount | undefined {
    const raw = this.store(ctx).get(keys.accountKey(address));
    return raw ? BaseAccount.decode(raw) : undefined;
  }

  hasAccount(ctx: Context, address: Uint8Array): boolean {
    return this.store(ctx).has(keys.accountKey(address));
  }

  setAccount(ctx: Context, account: BaseAccount): void {
    const address = parseAddress(account.address);
    const store = this.store(ctx);
    store.set(keys.accountKey(address), BaseAccount.encode(account).finish());
    store.set(keys.accountByNumberKey(account.accountNumber), address);
  }

  /** A fresh account with the next account number (not yet stored). */
  newAccount(ctx: Context, address: Uint8Array): BaseAccount {
    return { address: formatAddress(address), accountNumber: this.takeAccountNumber(ctx), sequence: 0n };
  }

  /** Creates the account when it does not exist yet, as bank does for a first receive. */
  ensureAccount(ctx: Context, address: Uint8Array): void {
    if (!this.hasAccount(ctx, address)) this.setAccount(ctx, this.newAccount(ctx, address));
  }

  private takeAccountNumber(ctx: Context): bigint {
    const store = this.store(ctx);
    const raw = store.get(keys.NEXT_ACCOUNT_NUMBER_KEY);
    const next = raw ? new DataView(raw.buffer, raw.byteOffset, 8).getBigUint64(0) : 0n;
    this.setNextAccountNumber(ctx, next + 1n);
    return next;
  }

  nextAccountNumber(ctx: Context): bigint {
    const raw = this.store(ctx).get(keys.NEXT_ACCOUNT_NUMBER_KEY);
    return raw ? new DataView(raw.buffer, raw.byteOffset, 8).getBigUint64(0) : 0n;
  }

  setNextAccountNumber(ctx: Context, next: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, next);
    this.store(ctx).set(keys.NEXT_ACCOUNT_NUMBER_KEY, b);
  }

  /** All accounts in address byte order. */
  *accounts(ctx: Context): Generator<BaseAccount> {
    const prefix = keys.ACCOUNT_PREFIX;
    for (const [, value] of this.store(ctx).iterator(prefix, prefixEnd(prefix)))
      yield BaseAccount.decode(value);
  }

  getParams(ctx: Context): Params {
    const raw = this.store(ctx).get(keys.PARAMS_KEY);
    return raw ? Params.decode(raw) : DEFAULT_PARAMS;
  }

  setParams(ctx: Context, params: Params): void {
    this.store(ctx).set(keys.PARAMS_KEY, Params.encode(params).finish());
  }

  /**
   * Minimum gas price, a chain parameter enforced in check and deliver alike (so it is part of
   * consensus, unlike the SDK's node-local min-gas-prices). Undefined: fees are not required.
   */
  getMinGasPrice(ctx: Context): GasPrice | undefined {
    const raw = this.store(ctx).get(keys.MIN_GAS_PRICE_KEY);
    return raw ? parseGasPrice(new TextDecoder().decode(raw)) : undefined;
  }

  setMinGasPrice(ctx: Context, price: GasPrice): void {
    this.store(ctx).set(keys.MIN_GAS_PRICE_KEY, new TextEncoder().encode(formatGasPrice(price)));
  }
}

/** A price per unit of gas in one denom; amount is 18-decimal fixed point. */
export interface GasPrice {
  amount: bigint;
  denom: string;
}

/** "0.025uopen" → { amount: 0.025×10^18, denom: "uopen" }. */
export function parseGasPrice(s: string): GasPrice {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(s);
  if (!m) throw new Error(`invalid gas price ${JSON.stringify(s)}: expected e.g. "0.025uopen"`);
  return { amount: parseDec(m[1]!), denom: m[2]! };
}

export function formatGasPrice(p: GasPrice): string {
  return `${formatDec(p.amount)}${p.denom}`;
}

/** The 33-byte key inside a secp256k1 PubKey Any; other key types are refused. */
export function decodeSecp256k1PubKey(any: Any): Uint8Array {
  if (any.typeUrl !== SECP256K1_PUBKEY_URL) {
    throw sdkError(SdkCode.InvalidPubKey, `unsupported pubkey type ${any.typeUrl}`);
  }
  let key: Uint8Array;
  try {
    key = PubKey.decode(any.value).key;
  } catch (err) {
    throw sdkError(SdkCode.InvalidPubKey, `cannot decode pubkey: ${(err as Error).message}`);
  }
  if (key.length !== 33 || (key[0] !== 2 && key[0] !== 3)) {
    throw sdkError(SdkCode.InvalidPubKey, `secp256k1 pubkey must be 33 compressed bytes, got ${key.length}`);
  }
  return key;
}
