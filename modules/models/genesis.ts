// models genesis: params, models, adapters and the id counters. JSON in proto-JSON shape
// (snake_case, uint64 as strings, enum names) except hashes, which are lower-case hex.
import type { Context } from "../../node/app/context.js";
import type { Adapter, DatanetRef, Model, Params } from "../../proto/gen/openledger/models/v1/types.js";
import { asObject } from "../auth/genesis.js";
import { adapterFromJson, adapterToJson, array, modelFromJson, modelToJson, u64 } from "./json.js";
import { DEFAULT_PARAMS, type ModelsKeeper } from "./keeper.js";
import { checkDatanets } from "./msgs.js";
import { validateParams } from "./validate.js";

export interface ModelsGenesis {
  params: Params;
  models: Model[];
  adapters: Adapter[];
  nextModelId: bigint;
  nextAdapterId: bigint;
}

export function defaultGenesis(): ModelsGenesis {
  return { params: { ...DEFAULT_PARAMS }, models: [], adapters: [], nextModelId: 1n, nextAdapterId: 1n };
}

/** Runs after datanets' initGenesis: every datanet version named must exist. */
export function initGenesis(keeper: ModelsKeeper, ctx: Context, g: ModelsGenesis): void {
  keeper.setParams(ctx, g.params);
  const check = (refs: DatanetRef[], where: string) => {
    try {
      checkDatanets(keeper, ctx, refs);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
  };
  for (const m of g.models) {
    check(m.datanets, `models.models (id ${m.id})`);
    keeper.setModel(ctx, m);
  }
  for (const a of g.adapters) {
    check(a.datanets, `models.adapters (id ${a.id})`);
    keeper.setAdapter(ctx, a);
  }
  keeper.setNextModelId(ctx, g.nextModelId);
  keeper.setNextAdapterId(ctx, g.nextAdapterId);
}

export function exportGenesis(keeper: ModelsKeeper, ctx: Context): ModelsGenesis {
  return {
    params: keeper.getParams(ctx),
    models: [...keeper.models(ctx)],
    adapters: [...keeper.adapters(ctx)],
    nextModelId: keeper.nextModelId(ctx),
    nextAdapterId: keeper.nextAdapterId(ctx),
  };
}

export function parseGenesis(json: unknown): ModelsGenesis {
  const obj = asObject(json, "models genesis");
  const params = parseParams(obj.params);
  const models = array(obj.models, "models.models").map((raw, i) =>
    modelFromJson(raw, `models.models[${i}]`),
  );
  const adapters = array(obj.adapters, "models.adapters").map((raw, i) =>
    adapterFromJson(raw, `models.adapters[${i}]`),
  );

  const modelIds = unique(models, "models.models");
  unique(adapters, "models.adapters");
  const hashes = new Map<string, string>();
  const claim = (hash: Uint8Array, who: string) => {
    const key = Buffer.from(hash).toString("hex");
    const holder = hashes.get(key);
    if (holder) throw new Error(`${who}: sha256 ${key} is already registered by ${holder}`);
    hashes.set(key, who);
  };
  for (const m of models) {
    const who = `model ${m.id}`;
    if (m.baseModelId !== 0n && (m.baseModelId >= m.id || !modelIds.has(m.baseModelId)))
      throw new Error(`models.models: ${who} has base model ${m.baseModelId}, not an earlier model`);
    claim(m.artifactSha256, who);
  }
  for (const a of adapters) {
    if (!modelIds.has(a.baseModelId))
      throw new Error(
        `models.adapters: adapter ${a.id} has base model ${a.baseModelId}, which does not exist`,
      );
    claim(a.adapterSha256, `adapter ${a.id}`);
  }
  const nextModelId = nextId(obj.next_model_id, models, "models.next_model_id");
  const nextAdapterId = nextId(obj.next_adapter_id, adapters, "models.next_adapter_id");
  return { params, models, adapters, nextModelId, nextAdapterId };
}

export function genesisToJson(g: ModelsGenesis): unknown {
  return {
    params: {
      allowed_formats: g.params.allowedFormats,
      max_datanet_refs: g.params.maxDatanetRefs,
      max_target_layers: g.params.maxTargetLayers,
    },
    models: g.models.map(modelToJson),
    adapters: g.adapters.map(adapterToJson),
    next_model_id: g.nextModelId.toString(),
    next_adapter_id: g.nextAdapterId.toString(),
  };
}

function parseParams(raw: unknown): Params {
  if (raw === undefined) return { ...DEFAULT_PARAMS };
  const p = asObject(raw, "models.params");
  const small = (v: unknown, fallback: number, what: string): number => {
    if (v === undefined) return fallback;
    const n = typeof v === "string" && /^(0|[1-9][0-9]{0,9})$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xffffffff)
      throw new Error(`${what} must be an unsigned 32-bit integer, got ${JSON.stringify(v)}`);
    return n;
  };
  const formats =
    p.allowed_formats === undefined
      ? [...DEFAULT_PARAMS.allowedFormats]
      : array(p.allowed_formats, "allowed_formats");
  if (!formats.every((f) => typeof f === "string"))
    throw new Error("models.params.allowed_formats must be an array of strings");
  const params: Params = {
    allowedFormats: formats as string[],
    maxDatanetRefs: small(
      p.max_datanet_refs,
      DEFAULT_PARAMS.maxDatanetRefs,
      "models.params.max_datanet_refs",
    ),
    maxTargetLayers: small(
      p.max_target_layers,
      DEFAULT_PARAMS.maxTargetLayers,
      "models.params.max_target_layers",
    ),
  };
  validateParams(params);
  return params;
}

function unique(entries: readonly { id: bigint }[], what: string): Set<bigint> {
  const ids = new Set<bigint>();
  for (const e of entries) {
    if (ids.has(e.id)) throw new Error(`${what}: duplicate id ${e.id}`);
    ids.add(e.id);
  }
  return ids;
}

/** The next id: given, it must be above every id; absent, one more than the largest (or 1). */
function nextId(raw: unknown, entries: readonly { id: bigint }[], what: string): bigint {
  let max = 0n;
  for (const e of entries) if (e.id > max) max = e.id;
  if (raw === undefined) return max + 1n;
  const next = u64(raw, what);
  if (next <= max) throw new Error(`${what} ${next} must be greater than every id (largest ${max})`);
  return next;
}
