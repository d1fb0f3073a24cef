// Store layout of the models module (store "models"); see README.md.
import { concatBytes } from "../../node/crypto/merkle.js";

export const STORE = "models";

export const PARAMS_KEY = Uint8Array.of(0x00);
export const NEXT_MODEL_ID_KEY = Uint8Array.of(0x01);
export const NEXT_ADAPTER_ID_KEY = Uint8Array.of(0x02);
export const MODEL_PREFIX = Uint8Array.of(0x10);
export const ADAPTER_PREFIX = Uint8Array.of(0x11);
export const MODELS_BY_OWNER_PREFIX = Uint8Array.of(0x20);
export const MODELS_BY_DATANET_PREFIX = Uint8Array.of(0x21);
export const ADAPTERS_BY_MODEL_PREFIX = Uint8Array.of(0x22);
export const ARTIFACT_PREFIX = Uint8Array.of(0x23);

/** The value of secondary-index entries: their key says everything. */
export const PRESENT = Uint8Array.of(0x01);

/** What an artifact hash is registered as (first byte of an ARTIFACT_PREFIX value). */
export enum ArtifactKind {
  Model = 1,
  Adapter = 2,
}

export function u64be(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

export function readU64be(b: Uint8Array, offset = 0): bigint {
  if (b.length < offset + 8) throw new Error(`models store: expected 8 bytes at ${offset}, got ${b.length}`);
  return new DataView(b.buffer, b.byteOffset + offset, 8).getBigUint64(0);
}

export function modelKey(id: bigint): Uint8Array {
  return concatBytes(MODEL_PREFIX, u64be(id));
}

export function adapterKey(id: bigint): Uint8Array {
  return concatBytes(ADAPTER_PREFIX, u64be(id));
}

/** 0x20 ‖ len(owner) ‖ owner: every model of one owner, in id order. */
export function modelsByOwnerPrefix(owner: Uint8Array): Uint8Array {
  return concatBytes(MODELS_BY_OWNER_PREFIX, Uint8Array.of(owner.length), owner);
}

/** 0x21 ‖ u64be(datanet id): every model trained on any version of one datanet, in id order. */
export function modelsByDatanetPrefix(datanetId: bigint): Uint8Array {
  return concatBytes(MODELS_BY_DATANET_PREFIX, u64be(datanetId));
}

/** 0x22 ‖ u64be(model id): every adapter of one base model, in id order. */
export function adaptersByModelPrefix(modelId: bigint): Uint8Array {
  return concatBytes(ADAPTERS_BY_MODEL_PREFIX, u64be(modelId));
}

export function artifactKey(sha256: Uint8Array): Uint8Array {
  return concatBytes(ARTIFACT_PREFIX, sha256);
}

export function artifactValue(kind: ArtifactKind, id: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(kind), u64be(id));
}
