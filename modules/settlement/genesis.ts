// settlement genesis: params and every settled payment (so used nonces stay used). JSON keys are
// snake_case, numbers decimal strings, nonces hex; export then import gives the same app hash.
import { fromHex, toHex } from "@cosmjs/encoding";
import { parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import type {
  Params,
  Payment,
  PaymentAuthorization,
} from "../../proto/gen/openledger/settlement/v1/types.js";
import { asObject } from "../auth/genesis.js";
import { authorizationFields } from "./authorization.js";
import type { SettlementKeeper } from "./keeper.js";
import { validateAuthorization } from "./msgs.js";
import { DEFAULT_PARAMS, validateParams } from "./params.js";

export interface SettlementGenesis {
  params: Params;
  payments: Payment[];
}

export function defaultGenesis(): SettlementGenesis {
  return { params: { ...DEFAULT_PARAMS }, payments: [] };
}

type J = Record<string, unknown>;

function only(o: J, allowed: string[], where: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new Error(`${where}: unknown field "${k}"`);
}

function str(o: J, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== "string") throw new Error(`${where}.${key} must be a string`);
  return v;
}

function u64(o: J, key: string, where: string, dflt?: bigint): bigint {
  const v = o[key];
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== "string" || !/^(0|[1-9][0-9]{0,19})$/.test(v) || BigInt(v) >= 2n ** 64n)
    throw new Error(`${where}.${key} must be a u64 decimal string`);
  return BigInt(v);
}

const AUTH_KEYS = [
  "chain_id",
  "from",
  "to",
  "amount",
  "valid_after",
  "valid_before",
  "nonce",
  "resource",
  "model_id",
  "adapter_id",
];

function parseAuthorization(raw: unknown, where: string): PaymentAuthorization {
  const o = asObject(raw, where);
  only(o, AUTH_KEYS, where);
  const amount = asObject(o.amount, `${where}.amount`);
  only(amount, ["denom", "amount"], `${where}.amount`);
  const nonce = str(o, "nonce", where);
  if (!/^([0-9a-f]{2})*$/.test(nonce)) throw new Error(`${where}.nonce must be lowercase hex`);
  return {
    chainId: str(o, "chain_id", where),
    from: str(o, "from", where),
    to: str(o, "to", where),
    amount: {
      denom: str(amount, "denom", `${where}.amount`),
      amount: str(amount, "amount", `${where}.amount`),
    },
    validAfter: u64(o, "valid_after", where),
    validBefore: u64(o, "valid_before", where),
    nonce: fromHex(nonce),
    resource: str(o, "resource", where),
    modelId: u64(o, "model_id", where, 0n),
    adapterId: u64(o, "adapter_id", where, 0n),
  };
}

export function parseGenesis(json: unknown): SettlementGenesis {
  const o = asObject(json, "settlement genesis");
  only(o, ["params", "payments"], "settlement genesis");
  let params = { ...DEFAULT_PARAMS };
  if (o.params !== undefined) {
    const p = asObject(o.params, "settlement.params");
    only(p, ["denom", "max_resource_bytes"], "settlement.params");
    const max = p.max_resource_bytes;
    if (max !== undefined && typeof max !== "number" && typeof max !== "string")
      throw new Error("settlement.params.max_resource_bytes must be a number");
    params = {
      denom: p.denom === undefined ? params.denom : str(p, "denom", "settlement.params"),
      maxResourceBytes: max === undefined ? params.maxResourceBytes : Number(max),
    };
  }
  validateParams(params);
  const list = o.payments ?? [];
  if (!Array.isArray(list)) throw new Error("settlement.payments must be an array");
  const seen = new Set<string>();
  const payments = list.map((raw, i): Payment => {
    const where = `settlement.payments[${i}]`;
    const p = asObject(raw, where);
    only(p, ["authorization", "facilitator", "height", "time", "job_id"], where);
    let authorization: PaymentAuthorization;
    try {
      authorization = validateAuthorization(parseAuthorization(p.authorization, `${where}.authorization`));
    } catch (err) {
      throw new Error(`${where}.authorization: ${(err as Error).message}`);
    }
    const facilitator = str(p, "facilitator", where);
    parseAddress(facilitator, `${where}.facilitator`);
    const id = `${authorization.from}/${toHex(authorization.nonce)}`;
    if (seen.has(id)) throw new Error(`${where}: payment ${id} appears twice`);
    seen.add(id);
    return {
      authorization,
      facilitator,
      height: u64(p, "height", where),
      time: u64(p, "time", where),
      jobId: u64(p, "job_id", where, 0n),
    };
  });
  return { params, payments };
}

export function initGenesis(keeper: SettlementKeeper, ctx: Context, g: SettlementGenesis): void {
  keeper.setParams(ctx, g.params);
  for (const p of g.payments) keeper.setPayment(ctx, p);
}

export function exportGenesis(keeper: SettlementKeeper, ctx: Context): SettlementGenesis {
  return { params: keeper.getParams(ctx), payments: [...keeper.payments(ctx)] };
}

export function genesisToJson(g: SettlementGenesis): unknown {
  return {
    params: { denom: g.params.denom, max_resource_bytes: g.params.maxResourceBytes },
    payments: g.payments.map((p) => {
      return {
        authorization: authorizationFields(p.authorization!),
        facilitator: p.facilitator,
        height: p.height.toString(),
        time: p.time.toString(),
        job_id: p.jobId.toString(),
      };
    }),
  };
}
