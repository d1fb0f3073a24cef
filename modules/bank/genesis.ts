// bank genesis in the SDK's JSON shape: params, balances, supply, denom metadata, send-enabled.
import type { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { formatAddress, parseAddress } from "../../node/app/address.js";
import { type Amount, parseCoins, validateDenom } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import { asObject } from "../auth/genesis.js";
import type { BankKeeper } from "./keeper.js";

export interface BankGenesis {
  defaultSendEnabled: boolean;
  balances: { address: string; coins: Amount[] }[];
  /** Empty means "the sum of balances". */
  supply: Amount[];
  denomMetadata: Metadata[];
  sendEnabled: { denom: string; enabled: boolean }[];
}

export function defaultGenesis(): BankGenesis {
  return { defaultSendEnabled: true, balances: [], supply: [], denomMetadata: [], sendEnabled: [] };
}

export function initGenesis(keeper: BankKeeper, ctx: Context, g: BankGenesis): void {
  keeper.setParams(ctx, { sendEnabled: [], defaultSendEnabled: g.defaultSendEnabled });
  for (const { denom, enabled } of g.sendEnabled) keeper.setSendEnabled(ctx, denom, enabled);
  for (const b of g.balances) keeper.mint(ctx, parseAddress(b.address), b.coins);
  for (const m of g.denomMetadata) keeper.setDenomMetadata(ctx, m);
  if (g.supply.length > 0) {
    const computed = keeper.getTotalSupply(ctx);
    const same =
      computed.length === g.supply.length &&
      computed.every((c, i) => c.denom === g.supply[i]!.denom && c.amount === g.supply[i]!.amount);
    if (!same) throw new Error("bank genesis supply does not equal the sum of balances");
  }
}

export function exportGenesis(keeper: BankKeeper, ctx: Context): BankGenesis {
  return {
    defaultSendEnabled: keeper.getParams(ctx).defaultSendEnabled,
    balances: [...keeper.allBalances(ctx)].map((b) => ({
      address: formatAddress(b.address),
      coins: b.coins,
    })),
    supply: keeper.getTotalSupply(ctx),
    denomMetadata: [...keeper.allDenomMetadata(ctx)],
    sendEnabled: [...keeper.sendEnabledEntries(ctx)],
  };
}

export function parseGenesis(json: unknown): BankGenesis {
  const obj = asObject(json, "bank genesis");
  const params = obj.params === undefined ? {} : asObject(obj.params, "bank.params");
  const defaultSendEnabled = params.default_send_enabled === undefined ? true : params.default_send_enabled;
  if (typeof defaultSendEnabled !== "boolean")
    throw new Error("bank.params.default_send_enabled must be a boolean");
  const seen = new Set<string>();
  const balances = array(obj.balances, "bank.balances").map((raw, i) => {
    const b = asObject(raw, `bank.balances[${i}]`);
    const address = String(b.address ?? "");
    parseAddress(address, `bank.balances[${i}].address`);
    if (seen.has(address)) throw new Error(`bank.balances: duplicate address ${address}`);
    seen.add(address);
    return { address, coins: parseCoins(coins(b.coins, `bank.balances[${i}].coins`)) };
  });
  const supply = parseCoins(coins(obj.supply ?? [], "bank.supply"), true);
  const denomMetadata = array(obj.denom_metadata, "bank.denom_metadata").map((raw, i) =>
    parseMetadata(asObject(raw, `bank.denom_metadata[${i}]`)),
  );
  const sendEnabled = array(obj.send_enabled, "bank.send_enabled").map((raw, i) => {
    const e = asObject(raw, `bank.send_enabled[${i}]`);
    validateDenom(String(e.denom));
    if (typeof e.enabled !== "boolean") throw new Error(`bank.send_enabled[${i}].enabled must be a boolean`);
    return { denom: String(e.denom), enabled: e.enabled };
  });
  return { defaultSendEnabled, balances, supply, denomMetadata, sendEnabled };
}

export function genesisToJson(g: BankGenesis): unknown {
  const coinJson = (cs: Amount[]) => cs.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
  return {
    params: { send_enabled: [], default_send_enabled: g.defaultSendEnabled },
    balances: g.balances.map((b) => ({ address: b.address, coins: coinJson(b.coins) })),
    supply: coinJson(g.supply),
    denom_metadata: g.denomMetadata.map((m) => ({
      description: m.description,
      denom_units: m.denomUnits.map((u) => ({ denom: u.denom, exponent: u.exponent, aliases: u.aliases })),
      base: m.base,
      display: m.display,
      name: m.name,
      symbol: m.symbol,
      uri: m.uri,
      uri_hash: m.uriHash,
    })),
    send_enabled: g.sendEnabled,
  };
}

function parseMetadata(m: Record<string, unknown>): Metadata {
  validateDenom(String(m.base));
  return {
    description: String(m.description ?? ""),
    denomUnits: array(m.denom_units, "denom_units").map((raw) => {
      const u = asObject(raw, "denom_unit");
      const exponent = Number(u.exponent ?? 0);
      if (!Number.isInteger(exponent) || exponent < 0 || exponent > 255)
        throw new Error("bad denom_unit exponent");
      return { denom: String(u.denom), exponent, aliases: array(u.aliases, "aliases").map(String) };
    }),
    base: String(m.base),
    display: String(m.display ?? ""),
    name: String(m.name ?? ""),
    symbol: String(m.symbol ?? ""),
    uri: String(m.uri ?? ""),
    uriHash: String(m.uri_hash ?? ""),
  };
}

function array(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${what} must be an array`);
  return v;
}

function coins(v: unknown, what: string) {
  return array(v, what).map((raw, i) => {
    const c = asObject(raw, `${what}[${i}]`);
    return { denom: String(c.denom ?? ""), amount: String(c.amount ?? "") };
  });
}
