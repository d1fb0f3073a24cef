// Genesis JSON of the attribution records, driven by a small schema per message: snake_case keys,
// uint64 and amounts as decimal strings, uint32 as numbers (decimal strings accepted), bytes as
// lower-case hex, enums by name.
// Parsing refuses unknown keys and ill-typed values, naming the field; absent fields take their
// zero value (params: their default).
import { formatAddress, parseAddress } from "../../node/app/address.js";
import { jobStateFromJSON, jobStateToJSON } from "../../proto/gen/openledger/attribution/v1/types.js";
import {
  attributionMethodFromJSON,
  attributionMethodToJSON,
} from "../../proto/gen/openledger/models/v1/types.js";
import { asObject } from "../auth/genesis.js";

type Scalar = "u64" | "u32" | "string" | "address" | "hex" | "amount" | "method" | "state";
export type Field = Scalar | { msg: Schema } | { list: Field };
export type Schema = Record<string, Field>;

const U64_MAX = (1n << 64n) - 1n;

export const COIN: Schema = { denom: "string", amount: "amount" };
export const ENTRY: Schema = { contributionId: "u64", bps: "u32" };
const REF: Schema = { datanetId: "u64", version: "u64" };

export const JOB: Schema = {
  id: "u64",
  payer: "address",
  modelId: "u64",
  adapterId: "u64",
  owner: "address",
  promptSha256: "hex",
  outputText: "string",
  outputSha256: "hex",
  outputSize: "u64",
  outputTokens: "u64",
  fee: { msg: COIN },
  method: "method",
  datanets: { list: { msg: REF } },
  createdHeight: "u64",
  deadlineHeight: "u64",
  state: "state",
  resultHash: "hex",
  finalizedHeight: "u64",
};

export const SUBMISSION: Schema = {
  jobId: "u64",
  operator: "address",
  resultHash: "hex",
  consensusSignature: "hex",
  power: "u64",
  height: "u64",
};

export const RESULT: Schema = {
  jobId: "u64",
  resultHash: "hex",
  entries: { list: { msg: ENTRY } },
  firstOperator: "address",
};

export const RECORD: Schema = {
  operator: "address",
  submitted: "u64",
  disagreed: "u64",
  missed: "u64",
  slashed: "amount",
};

export const PARAMS: Schema = {
  feeDenom: "string",
  ownerBps: "u32",
  contributorsBps: "u32",
  validatorsBps: "u32",
  treasuryBps: "u32",
  maxOutputBytes: "u64",
  resultWindowBlocks: "u64",
  maxEntries: "u32",
  penaltyFlagThreshold: "u64",
  penaltyBps: "u32",
  slashDisagreeBps: "u32",
  slashMissedBps: "u32",
};

export const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function toJson(schema: Schema, value: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema))
    out[snake(name)] = fieldToJson(field, (value as Record<string, unknown>)[name]);
  return out;
}

function fieldToJson(field: Field, v: unknown): unknown {
  if (typeof field === "object") {
    if ("list" in field) return ((v as unknown[] | undefined) ?? []).map((x) => fieldToJson(field.list, x));
    return toJson(field.msg, (v as object | undefined) ?? {});
  }
  switch (field) {
    case "u64":
      return (v as bigint).toString();
    case "hex":
      return Buffer.from(v as Uint8Array).toString("hex");
    case "method":
      return attributionMethodToJSON(v as number);
    case "state":
      return jobStateToJSON(v as number);
    default:
      return v;
  }
}

/** Parses `raw` by `schema`; fields absent take `defaults`' value, else their zero value. */
export function fromJson<T>(schema: Schema, raw: unknown, where: string, defaults?: T): T {
  const o = asObject(raw, where);
  for (const key of Object.keys(o))
    if (!Object.keys(schema).some((n) => snake(n) === key))
      throw new Error(`${where}: unknown field "${key}"`);
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema)) {
    const v = o[snake(name)];
    const at = `${where}.${snake(name)}`;
    out[name] =
      v === undefined && defaults ? (defaults as Record<string, unknown>)[name] : fieldFromJson(field, v, at);
  }
  return out as T;
}

function fieldFromJson(field: Field, v: unknown, at: string): unknown {
  if (typeof field === "object") {
    if ("list" in field) {
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) throw new Error(`${at} must be an array`);
      return v.map((x, i) => fieldFromJson(field.list, x, `${at}[${i}]`));
    }
    return fromJson(field.msg, v ?? {}, at);
  }
  const fail = (what: string): never => {
    throw new Error(`${at} must be ${what}, got ${JSON.stringify(v)}`);
  };
  switch (field) {
    case "u64": {
      if (v === undefined) return 0n;
      const s = typeof v === "number" && Number.isSafeInteger(v) ? String(v) : v;
      if (typeof s !== "string" || !/^(0|[1-9][0-9]{0,19})$/.test(s) || BigInt(s) > U64_MAX)
        fail("an unsigned 64-bit integer");
      return BigInt(s as string);
    }
    case "u32": {
      if (v === undefined) return 0;
      const n = typeof v === "string" && /^(0|[1-9][0-9]{0,9})$/.test(v) ? Number(v) : v;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff)
        fail("an unsigned 32-bit integer");
      return n;
    }
    case "string":
      if (v === undefined) return "";
      return typeof v === "string" ? v : fail("a string");
    case "address":
      if (typeof v !== "string") fail("a bech32 address");
      try {
        return formatAddress(parseAddress(v as string));
      } catch (err) {
        throw new Error(`${at}: ${(err as Error).message}`);
      }
    case "amount":
      if (v === undefined) return "0";
      if (typeof v !== "string" || !/^(0|[1-9][0-9]*)$/.test(v)) fail("an unsigned decimal amount");
      return v;
    case "hex":
      if (v === undefined) return new Uint8Array(0);
      if (typeof v !== "string" || !/^([0-9a-f]{2})*$/.test(v)) fail("lower-case hex");
      return Uint8Array.from(Buffer.from(v as string, "hex"));
    case "method":
      return enumFromJson(v, at, attributionMethodFromJSON);
    case "state":
      return enumFromJson(v, at, jobStateFromJSON);
  }
}

function enumFromJson(v: unknown, at: string, parse: (x: unknown) => number): number {
  if (v === undefined) return 0;
  const n = typeof v === "string" ? parse(v) : -1;
  if (n < 0) throw new Error(`${at}: unknown value ${JSON.stringify(v)}`);
  return n;
}
