// Stateless checks of the fields of models and adapters, shared by messages (validateBasic) and
// genesis. Each throws a models error naming the field.
import {
  AttributionMethod,
  type DatanetRef,
  type Params,
  type Price,
} from "../../proto/gen/openledger/models/v1/types.js";
import { ModelsCode, modelsError } from "./errors.js";

export const MAX_NAME_LENGTH = 128;
export const MAX_LAYER_NAME_LENGTH = 128;
export const MIN_RANK = 1;
export const MAX_RANK = 1024;
export const SHA256_LENGTH = 32;

const UINT = /^(0|[1-9][0-9]{0,76})$/;
const FORMAT = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const LAYER = /^[A-Za-z0-9_.-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** 1–128 characters, no control characters, no surrounding spaces. */
export function validateName(name: string): void {
  if (name.length === 0) throw modelsError(ModelsCode.InvalidName, "name is empty");
  if (name.length > MAX_NAME_LENGTH)
    throw modelsError(
      ModelsCode.InvalidName,
      `name has ${name.length} characters, more than ${MAX_NAME_LENGTH}`,
    );
  if (CONTROL.test(name) || name.trim() !== name)
    throw modelsError(
      ModelsCode.InvalidName,
      `name ${JSON.stringify(name)} has control characters or surrounding spaces`,
    );
}

export function validateSha256(hash: Uint8Array, field: string): void {
  if (hash.length !== SHA256_LENGTH)
    throw modelsError(
      ModelsCode.InvalidArtifact,
      `${field} must be ${SHA256_LENGTH} bytes, got ${hash.length}`,
    );
}

export function validateArtifactSize(size: bigint): void {
  if (size === 0n) throw modelsError(ModelsCode.InvalidArtifact, "artifact_size must be positive");
}

/** The shape of a format name; whether it is allowed is a parameter (checkFormatAllowed). */
export function validateFormat(format: string): void {
  if (!FORMAT.test(format))
    throw modelsError(ModelsCode.UnsupportedFormat, `format ${JSON.stringify(format)} is not a format name`);
}

export function checkFormatAllowed(params: Params, format: string): void {
  if (!params.allowedFormats.includes(format)) {
    throw modelsError(
      ModelsCode.UnsupportedFormat,
      `format ${JSON.stringify(format)} is not one of ${params.allowedFormats.join(", ")}`,
    );
  }
}

export function validateAttributionMethod(method: AttributionMethod): void {
  if (
    method !== AttributionMethod.ATTRIBUTION_METHOD_SPAN &&
    method !== AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE
  ) {
    throw modelsError(
      ModelsCode.InvalidAttributionMethod,
      `attribution_method ${method} is neither ATTRIBUTION_METHOD_SPAN (1) nor ATTRIBUTION_METHOD_INFLUENCE (2)`,
    );
  }
}

/** A price as bigints (uopen); amounts are canonical unsigned decimal strings, zero allowed. */
export interface PriceAmounts {
  perCall: bigint;
  per1kOutputTokens: bigint;
}

export function parsePrice(price: Price | undefined): PriceAmounts {
  if (!price) throw modelsError(ModelsCode.InvalidPrice, "price is required");
  const amount = (s: string, field: string) => {
    if (!UINT.test(s))
      throw modelsError(ModelsCode.InvalidPrice, `${field} ${JSON.stringify(s)} is not an unsigned integer`);
    return BigInt(s);
  };
  return {
    perCall: amount(price.perCall, "price.per_call"),
    per1kOutputTokens: amount(price.per1kOutputTokens, "price.per_1k_output_tokens"),
  };
}

/** No repeated (datanet, version) pair; at least one when required (adapters). */
export function validateDatanetRefs(refs: readonly DatanetRef[], required: boolean): void {
  if (required && refs.length === 0)
    throw modelsError(ModelsCode.InvalidDatanetRefs, "at least one datanet version is required");
  const seen = new Set<string>();
  for (const r of refs) {
    const key = `${r.datanetId}/${r.version}`;
    if (seen.has(key))
      throw modelsError(
        ModelsCode.InvalidDatanetRefs,
        `datanet ${r.datanetId} version ${r.version} is named twice`,
      );
    seen.add(key);
  }
}

export function checkDatanetRefCount(params: Params, refs: readonly DatanetRef[]): void {
  if (refs.length > params.maxDatanetRefs) {
    throw modelsError(
      ModelsCode.InvalidDatanetRefs,
      `${refs.length} datanet versions, more than the maximum ${params.maxDatanetRefs}`,
    );
  }
}

export function validateRank(rank: number): void {
  if (!Number.isInteger(rank) || rank < MIN_RANK || rank > MAX_RANK)
    throw modelsError(ModelsCode.InvalidAdapter, `rank ${rank} is not between ${MIN_RANK} and ${MAX_RANK}`);
}

/** A non-empty list of distinct layer names ([A-Za-z0-9_.-], at most 128 characters each). */
export function validateTargetLayers(layers: readonly string[]): void {
  if (layers.length === 0) throw modelsError(ModelsCode.InvalidAdapter, "target_layers is empty");
  const seen = new Set<string>();
  for (const l of layers) {
    if (l.length > MAX_LAYER_NAME_LENGTH || !LAYER.test(l))
      throw modelsError(ModelsCode.InvalidAdapter, `target layer ${JSON.stringify(l)} is not a layer name`);
    if (seen.has(l)) throw modelsError(ModelsCode.InvalidAdapter, `target layer ${l} is named twice`);
    seen.add(l);
  }
}

export function checkTargetLayerCount(params: Params, layers: readonly string[]): void {
  if (layers.length > params.maxTargetLayers) {
    throw modelsError(
      ModelsCode.InvalidAdapter,
      `${layers.length} target layers, more than the maximum ${params.maxTargetLayers}`,
    );
  }
}

export function validateId(id: bigint, field: string): void {
  if (id === 0n) throw modelsError(ModelsCode.InvalidId, `${field} must be positive`);
}

/** Params: a non-empty list of distinct format names, positive limits. Throws a plain Error. */
export function validateParams(p: Params): void {
  if (p.allowedFormats.length === 0) throw new Error("models.params.allowed_formats must not be empty");
  const seen = new Set<string>();
  for (const f of p.allowedFormats) {
    if (!FORMAT.test(f))
      throw new Error(`models.params.allowed_formats: ${JSON.stringify(f)} is not a format name`);
    if (seen.has(f)) throw new Error(`models.params.allowed_formats: ${f} is named twice`);
    seen.add(f);
  }
  if (p.maxDatanetRefs < 1) throw new Error("models.params.max_datanet_refs must be positive");
  if (p.maxTargetLayers < 1) throw new Error("models.params.max_target_layers must be positive");
}
