// The models keeper: models, adapters, their secondary indexes (by owner, by datanet, adapters by
// model, artifact hash) and params. It alone reads and writes the "models" store; it asks the
// datanets module only whether a datanet version exists.
import { parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import { concatBytes } from "../../node/crypto/merkle.js";
import type { Bytes, KVStore } from "../../node/store/kv.js";
import { prefixEnd } from "../../node/store/kv.js";
import { Adapter, Model, Params } from "../../proto/gen/openledger/models/v1/types.js";
import * as keys from "./keys.js";

/** What models needs from datanets (the SDK's expected_keepers.go). */
export interface DatanetKeeper {
  datanetExists(ctx: Context, id: bigint): boolean;
  versionExists(ctx: Context, datanetId: bigint, version: bigint): boolean;
}

export const DEFAULT_PARAMS: Params = {
  allowedFormats: ["gguf", "onnx", "safetensors"],
  maxDatanetRefs: 64,
  maxTargetLayers: 256,
};

export const DEFAULT_PAGE_LIMIT = 100n;
export const MAX_PAGE_LIMIT = 1000n;

export interface Page<T> {
  items: T[];
  /** Empty on the last page. */
  nextKey: Uint8Array;
}

export interface ArtifactEntry {
  kind: keys.ArtifactKind;
  id: bigint;
}

export class ModelsKeeper {
  constructor(readonly datanets: DatanetKeeper) {}

  private store(ctx: Context): KVStore {
    return ctx.kvStore(keys.STORE);
  }

  getParams(ctx: Context): Params {
    const raw = this.store(ctx).get(keys.PARAMS_KEY);
    return raw ? Params.decode(raw) : DEFAULT_PARAMS;
  }

  setParams(ctx: Context, params: Params): void {
    this.store(ctx).set(keys.PARAMS_KEY, Params.encode(params).finish());
  }

  /** The id the next model gets; ids start at 1 (0 means "none"). */
  nextModelId(ctx: Context): bigint {
    const raw = this.store(ctx).get(keys.NEXT_MODEL_ID_KEY);
    return raw ? keys.readU64be(raw) : 1n;
  }

  setNextModelId(ctx: Context, id: bigint): void {
    this.store(ctx).set(keys.NEXT_MODEL_ID_KEY, keys.u64be(id));
  }

  nextAdapterId(ctx: Context): bigint {
    const raw = this.store(ctx).get(keys.NEXT_ADAPTER_ID_KEY);
    return raw ? keys.readU64be(raw) : 1n;
  }

  setNextAdapterId(ctx: Context, id: bigint): void {
    this.store(ctx).set(keys.NEXT_ADAPTER_ID_KEY, keys.u64be(id));
  }

  getModel(ctx: Context, id: bigint): Model | undefined {
    const raw = this.store(ctx).get(keys.modelKey(id));
    return raw ? Model.decode(raw) : undefined;
  }

  getAdapter(ctx: Context, id: bigint): Adapter | undefined {
    const raw = this.store(ctx).get(keys.adapterKey(id));
    return raw ? Adapter.decode(raw) : undefined;
  }

  /** Which model or adapter holds an artifact hash, if any. */
  getArtifact(ctx: Context, sha256: Uint8Array): ArtifactEntry | undefined {
    const raw = this.store(ctx).get(keys.artifactKey(sha256));
    return raw ? { kind: raw[0] as keys.ArtifactKind, id: keys.readU64be(raw, 1) } : undefined;
  }

  /**
   * Writes a model and its index entries. Owner, datanets and artifact never change after
   * registration, so rewriting an existing model (price, deprecation) leaves its indexes as they are.
   */
  setModel(ctx: Context, model: Model): void {
    const store = this.store(ctx);
    const id = keys.u64be(model.id);
    store.set(keys.modelKey(model.id), Model.encode(model).finish());
    store.set(concatBytes(keys.modelsByOwnerPrefix(parseAddress(model.owner)), id), keys.PRESENT);
    for (const ref of model.datanets)
      store.set(concatBytes(keys.modelsByDatanetPrefix(ref.datanetId), id), keys.PRESENT);
    store.set(keys.artifactKey(model.artifactSha256), keys.artifactValue(keys.ArtifactKind.Model, model.id));
  }

  setAdapter(ctx: Context, adapter: Adapter): void {
    const store = this.store(ctx);
    store.set(keys.adapterKey(adapter.id), Adapter.encode(adapter).finish());
    store.set(
      concatBytes(keys.adaptersByModelPrefix(adapter.baseModelId), keys.u64be(adapter.id)),
      keys.PRESENT,
    );
    store.set(
      keys.artifactKey(adapter.adapterSha256),
      keys.artifactValue(keys.ArtifactKind.Adapter, adapter.id),
    );
  }

  /** Every model in id order, for genesis export. */
  *models(ctx: Context): Generator<Model> {
    const p = keys.MODEL_PREFIX;
    for (const [, value] of this.store(ctx).iterator(p, prefixEnd(p))) yield Model.decode(value);
  }

  *adapters(ctx: Context): Generator<Adapter> {
    const p = keys.ADAPTER_PREFIX;
    for (const [, value] of this.store(ctx).iterator(p, prefixEnd(p))) yield Adapter.decode(value);
  }

  /**
   * Models in id order: all, those of an owner, those trained on a datanet, or both filters. The
   * page key is the u64be id to start at.
   */
  modelsPage(
    ctx: Context,
    filter: { owner?: Uint8Array; datanetId?: bigint },
    key: Uint8Array,
    limit: bigint,
  ): Page<Model> {
    const store = this.store(ctx);
    if (filter.owner === undefined && filter.datanetId === undefined) {
      return page(store, keys.MODEL_PREFIX, key, limit, (_id, value) => Model.decode(value));
    }
    const datanetId = filter.datanetId;
    const prefix = filter.owner
      ? keys.modelsByOwnerPrefix(filter.owner)
      : keys.modelsByDatanetPrefix(datanetId!);
    return page(store, prefix, key, limit, (id) => {
      const model = this.getModel(ctx, id);
      if (!model) throw new Error(`models store: index entry for missing model ${id}`);
      if (filter.owner && datanetId !== undefined && !model.datanets.some((d) => d.datanetId === datanetId)) {
        return undefined;
      }
      return model;
    });
  }

  adaptersOfModelPage(ctx: Context, modelId: bigint, key: Uint8Array, limit: bigint): Page<Adapter> {
    return page(this.store(ctx), keys.adaptersByModelPrefix(modelId), key, limit, (id) => {
      const adapter = this.getAdapter(ctx, id);
      if (!adapter) throw new Error(`models store: index entry for missing adapter ${id}`);
      return adapter;
    });
  }
}

/**
 * One page over `prefix ‖ u64be(id)` keys from `prefix ‖ key`: up to limit items that load
 * (undefined skips an entry), and the key of the next entry that would load.
 */
function page<T>(
  store: KVStore,
  prefix: Bytes,
  key: Uint8Array,
  limit: bigint,
  load: (id: bigint, value: Bytes) => T | undefined,
): Page<T> {
  if (key.length !== 0 && key.length !== 8)
    throw sdkError(SdkCode.InvalidRequest, `pagination key must be empty or 8 bytes, got ${key.length}`);
  if (limit > MAX_PAGE_LIMIT)
    throw sdkError(SdkCode.InvalidRequest, `pagination limit ${limit} is more than ${MAX_PAGE_LIMIT}`);
  const max = limit === 0n ? DEFAULT_PAGE_LIMIT : limit;
  const items: T[] = [];
  for (const [k, value] of store.iterator(concatBytes(prefix, key), prefixEnd(prefix))) {
    const id = keys.readU64be(k, prefix.length);
    const item = load(id, value);
    if (item === undefined) continue;
    if (BigInt(items.length) === max) return { items, nextKey: keys.u64be(id) };
    items.push(item);
  }
  return { items, nextKey: new Uint8Array(0) };
}
