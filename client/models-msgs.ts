// Typed builders of the models messages (ModelFactory / OpenLoRA registry), with the chain's
// stateless checks and defaults; an artifact's sha256 and size can be computed from its bytes.
import { sha256 } from "@cosmjs/crypto";
import type { DatanetRef, Price } from "../proto/gen/openledger/models/v1/types.js";
import { AttributionMethod } from "../proto/gen/openledger/models/v1/types.js";
import * as c from "./checks.js";
import {
  type MsgDeprecateAdapterEncodeObject,
  type MsgDeprecateModelEncodeObject,
  type MsgRegisterAdapterEncodeObject,
  type MsgRegisterModelEncodeObject,
  type MsgUpdatePriceEncodeObject,
  modelsTypeUrls as urls,
} from "./registry.js";

export const MODEL_LIMITS = {
  nameChars: 128,
  layerNameChars: 128,
  minRank: 1,
  maxRank: 1024,
  /** Defaults of the params (a node may be configured otherwise). */
  defaultMaxDatanetRefs: 64,
  defaultMaxTargetLayers: 256,
  defaultFormats: ["gguf", "onnx", "safetensors"],
} as const;

export const ATTRIBUTION_METHODS: Record<string, AttributionMethod> = {
  span: AttributionMethod.ATTRIBUTION_METHOD_SPAN,
  influence: AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE,
};

const FORMAT = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const LAYER = /^[A-Za-z0-9_.-]{1,128}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A datanet version a model was trained on: `{datanetId, version}` or "datanetId:version". */
export type DatanetRefInput = { datanetId: c.U64Like; version: c.U64Like } | string;

export interface PriceInput {
  /** uopen per call; default 0. */
  perCall?: c.U64Like;
  /** uopen per 1000 output tokens; default 0. */
  per1kOutputTokens?: c.U64Like;
}

export function price(input: PriceInput | undefined): Price {
  return {
    perCall: c.amount("price.perCall", input?.perCall),
    per1kOutputTokens: c.amount("price.per1kOutputTokens", input?.per1kOutputTokens),
  };
}

export function datanetRefs(
  field: string,
  refs: readonly DatanetRefInput[] | undefined,
  min = 0,
): DatanetRef[] {
  const list = refs ?? [];
  if (list.length < min) throw new c.InputError(field, `at least ${min} datanet version required`);
  const seen = new Set<string>();
  return list.map((r) => {
    let ref: DatanetRef;
    if (typeof r === "string") {
      const m = /^([0-9]+):([0-9]+)$/.exec(r.trim());
      if (!m) throw new c.InputError(field, `${JSON.stringify(r)} must read <datanet id>:<version>`);
      ref = { datanetId: c.id(field, m[1]!), version: c.id(field, m[2]!) };
    } else ref = { datanetId: c.id(field, r.datanetId), version: c.id(field, r.version) };
    const key = `${ref.datanetId}:${ref.version}`;
    if (seen.has(key))
      throw new c.InputError(field, `datanet ${ref.datanetId} version ${ref.version} is named twice`);
    seen.add(key);
    return ref;
  });
}

/** The artifact's sha256 and size: from its bytes, or as declared. */
export interface ArtifactInput {
  /** The artifact file's bytes: sha256 and size are computed (the bytes are not sent). */
  artifact?: Uint8Array;
  /** sha256 as bytes or 64 hex characters; checked against `artifact` if both. */
  sha256?: Uint8Array | string;
  size?: c.U64Like;
}

function artifact(
  field: string,
  input: ArtifactInput,
  sizeRequired: boolean,
): { hash: Uint8Array; size: bigint } {
  const declared = input.sha256 === undefined ? undefined : c.sha256Bytes(field, input.sha256);
  if (input.artifact !== undefined) {
    if (input.artifact.length === 0) throw new c.InputError("artifact", "is empty");
    const hash = sha256(input.artifact);
    if (declared && !declared.every((b, i) => b === hash[i]))
      throw new c.InputError(field, "does not match the sha256 of the artifact bytes");
    const size = BigInt(input.artifact.length);
    if (input.size !== undefined && c.u64("size", input.size) !== size)
      throw new c.InputError("size", `the artifact is ${size} bytes`);
    return { hash, size };
  }
  if (!declared) throw new c.InputError(field, "give the artifact bytes or its sha256");
  if (!sizeRequired) return { hash: declared, size: 0n };
  if (input.size === undefined) throw new c.InputError("size", "is required with sha256");
  return { hash: declared, size: c.u64("size", input.size, { positive: true }) };
}

export interface RegisterModelInput extends ArtifactInput {
  owner: string;
  /** 1-128 characters, no control characters or surrounding spaces. */
  name: string;
  /** The model this one was fine-tuned from; default 0 (none). */
  baseModelId?: c.U64Like;
  datanets?: readonly DatanetRefInput[];
  /** e.g. "gguf", "onnx", "safetensors" (params.allowed_formats). */
  format: string;
  /** Default "span" (large models); "influence" for small or LoRA models. */
  attributionMethod?: AttributionMethod | "span" | "influence" | keyof typeof AttributionMethod;
  price?: PriceInput;
}

export function msgRegisterModel(input: RegisterModelInput): MsgRegisterModelEncodeObject {
  const name = input.name;
  if (typeof name !== "string" || name.length === 0 || name.length > MODEL_LIMITS.nameChars)
    throw new c.InputError("name", `must be 1-${MODEL_LIMITS.nameChars} characters`);
  if (CONTROL.test(name) || name.trim() !== name)
    throw new c.InputError("name", "has control characters or surrounding spaces");
  const { hash, size } = artifact("sha256", input, true);
  return {
    typeUrl: urls.registerModel,
    value: {
      owner: c.address("owner", input.owner),
      name,
      baseModelId: c.u64("baseModelId", input.baseModelId ?? 0),
      datanets: datanetRefs("datanets", input.datanets),
      artifactSha256: hash,
      artifactSize: size,
      format: c.matching("format", input.format, FORMAT, "a format name such as gguf, onnx, safetensors"),
      attributionMethod: c.enumValue(
        "attributionMethod",
        input.attributionMethod ?? "span",
        ATTRIBUTION_METHODS,
        "attribution_method_",
      ),
      price: price(input.price),
    },
  };
}

export interface RegisterAdapterInput extends ArtifactInput {
  owner: string;
  baseModelId: c.U64Like;
  /** LoRA rank, 1-1024. */
  rank: number;
  /** e.g. ["q_proj", "v_proj"]. */
  targetLayers: readonly string[];
  /** At least one datanet version. */
  datanets: readonly DatanetRefInput[];
  price?: PriceInput;
}

export function msgRegisterAdapter(input: RegisterAdapterInput): MsgRegisterAdapterEncodeObject {
  const { minRank, maxRank } = MODEL_LIMITS;
  if (!Number.isInteger(input.rank) || input.rank < minRank || input.rank > maxRank)
    throw new c.InputError("rank", `${input.rank} must be an integer ${minRank}-${maxRank}`);
  const layers = c.distinct(
    "targetLayers",
    input.targetLayers ?? [],
    Number.MAX_SAFE_INTEGER,
    (l) => c.matching("targetLayers", l, LAYER, "a layer name of A-Z a-z 0-9 _ . - (at most 128)"),
    1,
  );
  // The size is optional for adapters: declared (from the bytes or `size`), nodes distribute the file.
  const { hash, size } = artifact("sha256", input, false);
  const adapterSize =
    input.artifact === undefined && input.size !== undefined ? c.u64("size", input.size) : size;
  return {
    typeUrl: urls.registerAdapter,
    value: {
      owner: c.address("owner", input.owner),
      baseModelId: c.id("baseModelId", input.baseModelId),
      adapterSha256: hash,
      rank: input.rank,
      targetLayers: layers,
      datanets: datanetRefs("datanets", input.datanets, 1),
      price: price(input.price),
      adapterSize,
    },
  };
}

/** Exactly one of modelId and adapterId. */
export interface TargetInput {
  modelId?: c.U64Like;
  adapterId?: c.U64Like;
}

function target(input: TargetInput): { modelId: bigint; adapterId: bigint } {
  const modelId = input.modelId === undefined ? 0n : c.id("modelId", input.modelId);
  const adapterId = input.adapterId === undefined ? 0n : c.id("adapterId", input.adapterId);
  if ((modelId === 0n) === (adapterId === 0n))
    throw new c.InputError("modelId", "give exactly one of modelId and adapterId");
  return { modelId, adapterId };
}

export function msgUpdatePrice(
  input: TargetInput & { owner: string; price: PriceInput },
): MsgUpdatePriceEncodeObject {
  const { modelId, adapterId } = target(input);
  return {
    typeUrl: urls.updatePrice,
    value: { owner: c.address("owner", input.owner), modelId, adapterId, price: price(input.price) },
  };
}

export function msgDeprecateModel(input: {
  owner: string;
  modelId: c.U64Like;
}): MsgDeprecateModelEncodeObject {
  return {
    typeUrl: urls.deprecateModel,
    value: { owner: c.address("owner", input.owner), modelId: c.id("modelId", input.modelId) },
  };
}

export function msgDeprecateAdapter(input: {
  owner: string;
  adapterId: c.U64Like;
}): MsgDeprecateAdapterEncodeObject {
  return {
    typeUrl: urls.deprecateAdapter,
    value: { owner: c.address("owner", input.owner), adapterId: c.id("adapterId", input.adapterId) },
  };
}
