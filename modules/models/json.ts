// Models and adapters to and from genesis JSON, with every field checked as a message's would be.
import { formatAddress, parseAddress } from "../../node/app/address.js";
import {
  type Adapter,
  AttributionMethod,
  attributionMethodFromJSON,
  attributionMethodToJSON,
  type DatanetRef,
  type Model,
  type Price,
} from "../../proto/gen/openledger/models/v1/types.js";
import { asObject } from "../auth/genesis.js";
import { hex } from "./msgs.js";
import * as v from "./validate.js";

const U64_MAX = (1n << 64n) - 1n;

export function array(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${what} must be an array`);
  return v;
}

/** An unsigned 64-bit integer given as a decimal string (or a safe JSON number). */
export function u64(raw: unknown, what: string, fallback?: bigint): bigint {
  if (raw === undefined && fallback !== undefined) return fallback;
  const s = typeof raw === "number" && Number.isSafeInteger(raw) ? String(raw) : raw;
  if (typeof s !== "string" || !/^(0|[1-9][0-9]{0,19})$/.test(s) || BigInt(s) > U64_MAX)
    throw new Error(`${what} must be an unsigned 64-bit integer, got ${JSON.stringify(raw)}`);
  return BigInt(s);
}

/** Runs a field check, prefixing its error with where the field is. */
function at<T>(where: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}

function sha256FromHex(raw: unknown, where: string): Uint8Array {
  if (typeof raw !== "string" || !/^[0-9a-f]{64}$/.test(raw))
    throw new Error(`${where} must be 64 lower-case hex characters, got ${JSON.stringify(raw)}`);
  return Uint8Array.from(Buffer.from(raw, "hex"));
}

function datanetsFromJson(raw: unknown, where: string, required: boolean): DatanetRef[] {
  const refs = array(raw, where).map((r, i) => {
    const o = asObject(r, `${where}[${i}]`);
    return {
      datanetId: u64(o.datanet_id, `${where}[${i}].datanet_id`),
      version: u64(o.version, `${where}[${i}].version`),
    };
  });
  at(where, () => v.validateDatanetRefs(refs, required));
  return refs;
}

function priceFromJson(raw: unknown, where: string): Price {
  const o = asObject(raw, where);
  const price = {
    perCall: String(o.per_call ?? ""),
    per1kOutputTokens: String(o.per_1k_output_tokens ?? ""),
  };
  at(where, () => v.parsePrice(price));
  return price;
}

function common(o: Record<string, unknown>, where: string) {
  const id = u64(o.id, `${where}.id`);
  at(`${where}.id`, () => v.validateId(id, "id"));
  const owner = at(`${where}.owner`, () => formatAddress(parseAddress(String(o.owner ?? ""), "owner")));
  const deprecated = o.deprecated ?? false;
  if (typeof deprecated !== "boolean") throw new Error(`${where}.deprecated must be a boolean`);
  return {
    id,
    owner,
    price: priceFromJson(o.price, `${where}.price`),
    deprecated,
    createdHeight: u64(o.created_height, `${where}.created_height`, 0n),
  };
}

export function modelFromJson(raw: unknown, where: string): Model {
  const o = asObject(raw, where);
  const name = String(o.name ?? "");
  at(`${where}.name`, () => v.validateName(name));
  const artifactSha256 = sha256FromHex(o.artifact_sha256, `${where}.artifact_sha256`);
  const artifactSize = u64(o.artifact_size, `${where}.artifact_size`);
  at(where, () => v.validateArtifactSize(artifactSize));
  const format = String(o.format ?? "");
  at(`${where}.format`, () => v.validateFormat(format));
  const method =
    typeof o.attribution_method === "string" ? attributionMethodFromJSON(o.attribution_method) : -1;
  if (method === AttributionMethod.UNRECOGNIZED)
    throw new Error(
      `${where}.attribution_method must be an enum name, got ${JSON.stringify(o.attribution_method)}`,
    );
  at(`${where}.attribution_method`, () => v.validateAttributionMethod(method));
  const { id, owner, price, deprecated, createdHeight } = common(o, where);
  return {
    id,
    owner,
    name,
    baseModelId: u64(o.base_model_id, `${where}.base_model_id`, 0n),
    datanets: datanetsFromJson(o.datanets, `${where}.datanets`, false),
    artifactSha256,
    artifactSize,
    format,
    attributionMethod: method,
    price,
    deprecated,
    createdHeight,
  };
}

export function adapterFromJson(raw: unknown, where: string): Adapter {
  const o = asObject(raw, where);
  const { id, owner, price, deprecated, createdHeight } = common(o, where);
  const baseModelId = u64(o.base_model_id, `${where}.base_model_id`);
  at(`${where}.base_model_id`, () => v.validateId(baseModelId, "base_model_id"));
  const rank = typeof o.rank === "number" ? o.rank : Number.NaN;
  at(`${where}.rank`, () => v.validateRank(rank));
  const targetLayers = array(o.target_layers, `${where}.target_layers`).map(String);
  at(`${where}.target_layers`, () => v.validateTargetLayers(targetLayers));
  return {
    id,
    owner,
    baseModelId,
    adapterSha256: sha256FromHex(o.adapter_sha256, `${where}.adapter_sha256`),
    rank,
    targetLayers,
    datanets: datanetsFromJson(o.datanets, `${where}.datanets`, true),
    price,
    deprecated,
    createdHeight,
    adapterSize: o.adapter_size === undefined ? 0n : u64(o.adapter_size, `${where}.adapter_size`),
  };
}

const datanetsToJson = (refs: DatanetRef[]) =>
  refs.map((r) => ({ datanet_id: r.datanetId.toString(), version: r.version.toString() }));

const priceToJson = (p: Price | undefined) => ({
  per_call: p?.perCall ?? "0",
  per_1k_output_tokens: p?.per1kOutputTokens ?? "0",
});

export function modelToJson(m: Model): unknown {
  return {
    id: m.id.toString(),
    owner: m.owner,
    name: m.name,
    base_model_id: m.baseModelId.toString(),
    datanets: datanetsToJson(m.datanets),
    artifact_sha256: hex(m.artifactSha256),
    artifact_size: m.artifactSize.toString(),
    format: m.format,
    attribution_method: attributionMethodToJSON(m.attributionMethod),
    price: priceToJson(m.price),
    deprecated: m.deprecated,
    created_height: m.createdHeight.toString(),
  };
}

export function adapterToJson(a: Adapter): unknown {
  return {
    id: a.id.toString(),
    owner: a.owner,
    base_model_id: a.baseModelId.toString(),
    adapter_sha256: hex(a.adapterSha256),
    adapter_size: a.adapterSize.toString(),
    rank: a.rank,
    target_layers: a.targetLayers,
    datanets: datanetsToJson(a.datanets),
    price: priceToJson(a.price),
    deprecated: a.deprecated,
    created_height: a.createdHeight.toString(),
  };
}
