// models messages: register a model or an adapter, update a price, deprecate a model or adapter.
// validateBasic checks fields; handlers check state (params, datanets, base model, owner,
// artifact hash) before writing anything, so a refused message changes nothing.
import type { Any } from "cosmjs-types/google/protobuf/any";
import { formatAddress, parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import type { MsgType } from "../../node/app/module.js";
import {
  MsgDeprecateAdapter,
  MsgDeprecateAdapterResponse,
  MsgDeprecateModel,
  MsgDeprecateModelResponse,
  MsgRegisterAdapter,
  MsgRegisterAdapterResponse,
  MsgRegisterModel,
  MsgRegisterModelResponse,
  MsgUpdatePrice,
  MsgUpdatePriceResponse,
} from "../../proto/gen/openledger/models/v1/tx.js";
import type { Adapter, DatanetRef, Model } from "../../proto/gen/openledger/models/v1/types.js";
import { ModelsCode, modelsError } from "./errors.js";
import type { ModelsKeeper } from "./keeper.js";
import { ArtifactKind } from "./keys.js";
import * as v from "./validate.js";

const PKG = "/openledger.models.v1.";
export const MSG_REGISTER_MODEL_URL = `${PKG}MsgRegisterModel`;
export const MSG_REGISTER_ADAPTER_URL = `${PKG}MsgRegisterAdapter`;
export const MSG_UPDATE_PRICE_URL = `${PKG}MsgUpdatePrice`;
export const MSG_DEPRECATE_MODEL_URL = `${PKG}MsgDeprecateModel`;
export const MSG_DEPRECATE_ADAPTER_URL = `${PKG}MsgDeprecateAdapter`;

function response(name: string, value: Uint8Array): Any {
  return { typeUrl: `${PKG}${name}`, value };
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** The owner in canonical bech32 (lower case), as stored and compared. */
function canonical(owner: string): string {
  return formatAddress(parseAddress(owner, "owner"));
}

export function modelsMsgs(keeper: ModelsKeeper): MsgType<unknown>[] {
  const registerModel: MsgType<MsgRegisterModel> = {
    typeUrl: MSG_REGISTER_MODEL_URL,
    decode: (bytes) => MsgRegisterModel.decode(bytes),
    signers: (msg) => [msg.owner],
    validateBasic(msg) {
      parseAddress(msg.owner, "owner");
      v.validateName(msg.name);
      v.validateDatanetRefs(msg.datanets, false);
      v.validateSha256(msg.artifactSha256, "artifact_sha256");
      v.validateArtifactSize(msg.artifactSize);
      v.validateFormat(msg.format);
      v.validateAttributionMethod(msg.attributionMethod);
      v.parsePrice(msg.price);
    },
    handle(ctx, msg) {
      const params = keeper.getParams(ctx);
      v.checkFormatAllowed(params, msg.format);
      v.checkDatanetRefCount(params, msg.datanets);
      if (msg.baseModelId !== 0n) activeModel(keeper, ctx, msg.baseModelId, "base model");
      checkDatanets(keeper, ctx, msg.datanets);
      checkArtifactFree(keeper, ctx, msg.artifactSha256, "artifact");
      const id = keeper.nextModelId(ctx);
      keeper.setNextModelId(ctx, id + 1n);
      const model: Model = {
        id,
        owner: canonical(msg.owner),
        name: msg.name,
        baseModelId: msg.baseModelId,
        datanets: msg.datanets,
        artifactSha256: msg.artifactSha256,
        artifactSize: msg.artifactSize,
        format: msg.format,
        attributionMethod: msg.attributionMethod,
        price: msg.price,
        deprecated: false,
        createdHeight: ctx.header.height,
      };
      keeper.setModel(ctx, model);
      ctx.events.emit("model_registered", {
        model_id: id.toString(),
        owner: model.owner,
        base_model_id: msg.baseModelId.toString(),
        artifact_sha256: hex(msg.artifactSha256),
      });
      return response("MsgRegisterModelResponse", MsgRegisterModelResponse.encode({ modelId: id }).finish());
    },
  };

  const registerAdapter: MsgType<MsgRegisterAdapter> = {
    typeUrl: MSG_REGISTER_ADAPTER_URL,
    decode: (bytes) => MsgRegisterAdapter.decode(bytes),
    signers: (msg) => [msg.owner],
    validateBasic(msg) {
      parseAddress(msg.owner, "owner");
      v.validateId(msg.baseModelId, "base_model_id");
      v.validateSha256(msg.adapterSha256, "adapter_sha256");
      v.validateRank(msg.rank);
      v.validateTargetLayers(msg.targetLayers);
      v.validateDatanetRefs(msg.datanets, true);
      v.parsePrice(msg.price);
    },
    handle(ctx, msg) {
      const params = keeper.getParams(ctx);
      v.checkDatanetRefCount(params, msg.datanets);
      v.checkTargetLayerCount(params, msg.targetLayers);
      activeModel(keeper, ctx, msg.baseModelId, "base model");
      checkDatanets(keeper, ctx, msg.datanets);
      checkArtifactFree(keeper, ctx, msg.adapterSha256, "adapter");
      const id = keeper.nextAdapterId(ctx);
      keeper.setNextAdapterId(ctx, id + 1n);
      const adapter: Adapter = {
        id,
        owner: canonical(msg.owner),
        baseModelId: msg.baseModelId,
        adapterSha256: msg.adapterSha256,
        rank: msg.rank,
        targetLayers: msg.targetLayers,
        datanets: msg.datanets,
        price: msg.price,
        deprecated: false,
        createdHeight: ctx.header.height,
        adapterSize: msg.adapterSize,
      };
      keeper.setAdapter(ctx, adapter);
      ctx.events.emit("adapter_registered", {
        adapter_id: id.toString(),
        owner: adapter.owner,
        base_model_id: msg.baseModelId.toString(),
        adapter_sha256: hex(msg.adapterSha256),
        adapter_size: msg.adapterSize.toString(),
      });
      const value = MsgRegisterAdapterResponse.encode({ adapterId: id }).finish();
      return response("MsgRegisterAdapterResponse", value);
    },
  };

  const updatePrice: MsgType<MsgUpdatePrice> = {
    typeUrl: MSG_UPDATE_PRICE_URL,
    decode: (bytes) => MsgUpdatePrice.decode(bytes),
    signers: (msg) => [msg.owner],
    validateBasic(msg) {
      parseAddress(msg.owner, "owner");
      if ((msg.modelId === 0n) === (msg.adapterId === 0n))
        throw modelsError(ModelsCode.InvalidId, "exactly one of model_id and adapter_id must be set");
      v.parsePrice(msg.price);
    },
    handle(ctx, msg) {
      const price = v.parsePrice(msg.price);
      const owner = canonical(msg.owner);
      const { entry, what, save } =
        msg.modelId !== 0n ? modelEntry(keeper, ctx, msg.modelId) : adapterEntry(keeper, ctx, msg.adapterId);
      checkOwner(entry.owner, owner, what);
      if (entry.deprecated) throw modelsError(ModelsCode.Deprecated, `${what} is deprecated`);
      entry.price = msg.price;
      save();
      ctx.events.emit("price_updated", {
        ...(msg.modelId !== 0n
          ? { model_id: msg.modelId.toString() }
          : { adapter_id: msg.adapterId.toString() }),
        owner,
        price_per_call: price.perCall.toString(),
        price_per_1k_output_tokens: price.per1kOutputTokens.toString(),
      });
      return response("MsgUpdatePriceResponse", MsgUpdatePriceResponse.encode({}).finish());
    },
  };

  const deprecateModel: MsgType<MsgDeprecateModel> = {
    typeUrl: MSG_DEPRECATE_MODEL_URL,
    decode: (bytes) => MsgDeprecateModel.decode(bytes),
    signers: (msg) => [msg.owner],
    validateBasic(msg) {
      parseAddress(msg.owner, "owner");
      v.validateId(msg.modelId, "model_id");
    },
    handle(ctx, msg) {
      deprecate(modelEntry(keeper, ctx, msg.modelId), canonical(msg.owner));
      ctx.events.emit("model_deprecated", { model_id: msg.modelId.toString(), owner: canonical(msg.owner) });
      return response("MsgDeprecateModelResponse", MsgDeprecateModelResponse.encode({}).finish());
    },
  };

  const deprecateAdapter: MsgType<MsgDeprecateAdapter> = {
    typeUrl: MSG_DEPRECATE_ADAPTER_URL,
    decode: (bytes) => MsgDeprecateAdapter.decode(bytes),
    signers: (msg) => [msg.owner],
    validateBasic(msg) {
      parseAddress(msg.owner, "owner");
      v.validateId(msg.adapterId, "adapter_id");
    },
    handle(ctx, msg) {
      deprecate(adapterEntry(keeper, ctx, msg.adapterId), canonical(msg.owner));
      ctx.events.emit("adapter_deprecated", {
        adapter_id: msg.adapterId.toString(),
        owner: canonical(msg.owner),
      });
      return response("MsgDeprecateAdapterResponse", MsgDeprecateAdapterResponse.encode({}).finish());
    },
  };

  return [
    registerModel,
    registerAdapter,
    updatePrice,
    deprecateModel,
    deprecateAdapter,
  ] as MsgType<unknown>[];
}

/** A model or adapter being changed, and how to write it back. */
interface Entry {
  entry: Model | Adapter;
  what: string;
  save(): void;
}

function modelEntry(keeper: ModelsKeeper, ctx: Context, id: bigint): Entry {
  const entry = keeper.getModel(ctx, id);
  if (!entry) throw modelsError(ModelsCode.ModelNotFound, `model ${id} does not exist`);
  return { entry, what: `model ${id}`, save: () => keeper.setModel(ctx, entry) };
}

function adapterEntry(keeper: ModelsKeeper, ctx: Context, id: bigint): Entry {
  const entry = keeper.getAdapter(ctx, id);
  if (!entry) throw modelsError(ModelsCode.AdapterNotFound, `adapter ${id} does not exist`);
  return { entry, what: `adapter ${id}`, save: () => keeper.setAdapter(ctx, entry) };
}

function deprecate({ entry, what, save }: Entry, owner: string): void {
  checkOwner(entry.owner, owner, what);
  if (entry.deprecated) throw modelsError(ModelsCode.Deprecated, `${what} is already deprecated`);
  entry.deprecated = true;
  save();
}

function checkOwner(entryOwner: string, signer: string, what: string): void {
  if (entryOwner !== signer) throw modelsError(ModelsCode.NotOwner, `${signer} is not the owner of ${what}`);
}

/** An existing model that is not deprecated (a base for a new model or adapter). */
function activeModel(keeper: ModelsKeeper, ctx: Context, id: bigint, what: string): Model {
  const model = keeper.getModel(ctx, id);
  if (!model) throw modelsError(ModelsCode.ModelNotFound, `${what} ${id} does not exist`);
  if (model.deprecated) throw modelsError(ModelsCode.Deprecated, `${what} ${id} is deprecated`);
  return model;
}

export function checkDatanets(keeper: ModelsKeeper, ctx: Context, refs: readonly DatanetRef[]): void {
  for (const { datanetId, version } of refs) {
    if (!keeper.datanets.datanetExists(ctx, datanetId))
      throw modelsError(ModelsCode.DatanetNotFound, `datanet ${datanetId} does not exist`);
    if (!keeper.datanets.versionExists(ctx, datanetId, version))
      throw modelsError(ModelsCode.DatanetNotFound, `datanet ${datanetId} has no version ${version}`);
  }
}

function checkArtifactFree(keeper: ModelsKeeper, ctx: Context, sha256: Uint8Array, what: string): void {
  const holder = keeper.getArtifact(ctx, sha256);
  if (holder) {
    const kind = holder.kind === ArtifactKind.Model ? "model" : "adapter";
    throw modelsError(
      ModelsCode.DuplicateArtifact,
      `${what} sha256 ${hex(sha256)} is already registered as ${kind} ${holder.id}`,
    );
  }
}
