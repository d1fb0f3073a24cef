// auth genesis: params, the min gas price and accounts, in the SDK's JSON shape.
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import type { BaseAccount, Params } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import {
  type AuthKeeper,
  DEFAULT_PARAMS,
  decodeSecp256k1PubKey,
  formatGasPrice,
  type GasPrice,
  parseGasPrice,
  SECP256K1_PUBKEY_URL,
} from "./keeper.js";

export interface AuthGenesis {
  params: Params;
  minGasPrice?: GasPrice;
  accounts: BaseAccount[];
}

const BASE_ACCOUNT_URL = "/cosmos.auth.v1beta1.BaseAccount";

export function defaultGenesis(): AuthGenesis {
  return { params: { ...DEFAULT_PARAMS }, accounts: [] };
}

export function initGenesis(keeper: AuthKeeper, ctx: Context, g: AuthGenesis): void {
  keeper.setParams(ctx, g.params);
  if (g.minGasPrice) keeper.setMinGasPrice(ctx, g.minGasPrice);
  let next = 0n;
  for (const account of g.accounts) {
    keeper.setAccount(ctx, account);
    if (account.accountNumber >= next) next = account.accountNumber + 1n;
  }
  keeper.setNextAccountNumber(ctx, next);
}

export function exportGenesis(keeper: AuthKeeper, ctx: Context): AuthGenesis {
  const accounts = [...keeper.accounts(ctx)].sort((a, b) => (a.accountNumber < b.accountNumber ? -1 : 1));
  return { params: keeper.getParams(ctx), minGasPrice: keeper.getMinGasPrice(ctx), accounts };
}

export function parseGenesis(json: unknown): AuthGenesis {
  const obj = asObject(json, "auth genesis");
  const p = obj.params === undefined ? {} : asObject(obj.params, "auth.params");
  const params: Params = {
    maxMemoCharacters: uint(p.max_memo_characters, DEFAULT_PARAMS.maxMemoCharacters, "max_memo_characters"),
    txSigLimit: uint(p.tx_sig_limit, DEFAULT_PARAMS.txSigLimit, "tx_sig_limit"),
    txSizeCostPerByte: uint(
      p.tx_size_cost_per_byte,
      DEFAULT_PARAMS.txSizeCostPerByte,
      "tx_size_cost_per_byte",
    ),
    sigVerifyCostEd25519: uint(
      p.sig_verify_cost_ed25519,
      DEFAULT_PARAMS.sigVerifyCostEd25519,
      "sig_verify_cost_ed25519",
    ),
    sigVerifyCostSecp256k1: uint(
      p.sig_verify_cost_secp256k1,
      DEFAULT_PARAMS.sigVerifyCostSecp256k1,
      "sig_verify_cost_secp256k1",
    ),
  };
  if (params.txSigLimit === 0n) throw new Error("auth.params.tx_sig_limit must be positive");
  const minGasPrice = obj.min_gas_price === undefined ? undefined : parseGasPrice(String(obj.min_gas_price));
  const rawAccounts = obj.accounts === undefined ? [] : obj.accounts;
  if (!Array.isArray(rawAccounts)) throw new Error("auth.accounts must be an array");
  const seenAddresses = new Set<string>();
  const seenNumbers = new Set<bigint>();
  const accounts = rawAccounts.map((raw, i) => {
    const a = asObject(raw, `auth.accounts[${i}]`);
    if (a["@type"] !== undefined && a["@type"] !== BASE_ACCOUNT_URL) {
      throw new Error(
        `auth.accounts[${i}]: only ${BASE_ACCOUNT_URL} is supported, got ${String(a["@type"])}`,
      );
    }
    const address = String(a.address ?? "");
    parseAddress(address, `auth.accounts[${i}].address`);
    const account: BaseAccount = {
      address,
      accountNumber: uint(a.account_number, BigInt(i), `accounts[${i}].account_number`),
      sequence: uint(a.sequence, 0n, `accounts[${i}].sequence`),
    };
    if (a.pub_key) {
      const pk = asObject(a.pub_key, `auth.accounts[${i}].pub_key`);
      const any = {
        typeUrl: String(pk["@type"]),
        value: PubKey.encode({ key: fromBase64(String(pk.key)) }).finish(),
      };
      decodeSecp256k1PubKey(any);
      account.pubKey = any;
    }
    if (seenAddresses.has(address)) throw new Error(`auth.accounts: duplicate address ${address}`);
    if (seenNumbers.has(account.accountNumber)) {
      throw new Error(`auth.accounts: duplicate account_number ${account.accountNumber}`);
    }
    seenAddresses.add(address);
    seenNumbers.add(account.accountNumber);
    return account;
  });
  return { params, minGasPrice, accounts };
}

export function genesisToJson(g: AuthGenesis): unknown {
  return {
    params: {
      max_memo_characters: g.params.maxMemoCharacters.toString(),
      tx_sig_limit: g.params.txSigLimit.toString(),
      tx_size_cost_per_byte: g.params.txSizeCostPerByte.toString(),
      sig_verify_cost_ed25519: g.params.sigVerifyCostEd25519.toString(),
      sig_verify_cost_secp256k1: g.params.sigVerifyCostSecp256k1.toString(),
    },
    ...(g.minGasPrice ? { min_gas_price: formatGasPrice(g.minGasPrice) } : {}),
    accounts: g.accounts.map((a) => ({
      "@type": BASE_ACCOUNT_URL,
      address: a.address,
      pub_key: a.pubKey
        ? { "@type": SECP256K1_PUBKEY_URL, key: toBase64(PubKey.decode(a.pubKey.value).key) }
        : null,
      account_number: a.accountNumber.toString(),
      sequence: a.sequence.toString(),
    })),
  };
}

export function asObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`${what} must be an object`);
  return v as Record<string, unknown>;
}

export function uint(v: unknown, fallback: bigint, what: string): bigint {
  if (v === undefined) return fallback;
  const s = String(v);
  if (!/^(0|[1-9][0-9]{0,19})$/.test(s))
    throw new Error(`${what} must be an unsigned integer, got ${JSON.stringify(v)}`);
  return BigInt(s);
}
