// Store layout of the datanets module (store "datanets"); see README.md. Ids and days are
// 8-byte big-endian, so keys sort numerically; addresses and strings are length-prefixed where
// anything follows them.
import { concatBytes } from "../../node/crypto/merkle.js";

export const STORE = "datanets";
const utf8 = new TextEncoder();

export const PARAMS_KEY = Uint8Array.of(0x00);
export const NEXT_DATANET_ID_KEY = Uint8Array.of(0x01);
export const NEXT_CONTRIBUTION_ID_KEY = Uint8Array.of(0x02);
export const DATANET_PREFIX = Uint8Array.of(0x10);
export const DATANET_BY_DOMAIN_PREFIX = Uint8Array.of(0x11);
export const DATANET_BY_TAG_PREFIX = Uint8Array.of(0x12);
export const CONTRIBUTION_PREFIX = Uint8Array.of(0x20);
export const INLINE_CONTENT_PREFIX = Uint8Array.of(0x21);
export const BY_DATANET_PREFIX = Uint8Array.of(0x22);
export const BY_STATUS_PREFIX = Uint8Array.of(0x23);
export const BY_CONTRIBUTOR_PREFIX = Uint8Array.of(0x24);
export const CONTENT_HASH_PREFIX = Uint8Array.of(0x25);
export const BY_CONTENT_PREFIX = Uint8Array.of(0x26);
export const VERSION_PREFIX = Uint8Array.of(0x30);
export const CHANGED_PREFIX = Uint8Array.of(0x31);
export const STATS_PREFIX = Uint8Array.of(0x40);
export const CONTRIBUTOR_USAGE_PREFIX = Uint8Array.of(0x50);
export const DATANET_USAGE_PREFIX = Uint8Array.of(0x51);

/** A marker value for index entries (the store keeps no empty values). */
export const PRESENT = Uint8Array.of(1);

export function u64be(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

export function readU64be(b: Uint8Array, offset = 0): bigint {
  if (b.length < offset + 8) throw new Error(`datanets store: short key or value (${b.length} bytes)`);
  return new DataView(b.buffer, b.byteOffset + offset, 8).getBigUint64(0);
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(bytes.length), bytes);
}

export const datanetKey = (id: bigint) => concatBytes(DATANET_PREFIX, u64be(id));

export const domainPrefix = (domain: string) =>
  concatBytes(DATANET_BY_DOMAIN_PREFIX, lengthPrefixed(utf8.encode(domain)));

export const tagPrefix = (tag: string) =>
  concatBytes(DATANET_BY_TAG_PREFIX, lengthPrefixed(utf8.encode(tag)));

export const contributionKey = (id: bigint) => concatBytes(CONTRIBUTION_PREFIX, u64be(id));

export const inlineContentKey = (id: bigint) => concatBytes(INLINE_CONTENT_PREFIX, u64be(id));

/** Every contribution of a datanet: prefix ‖ contribution id → PRESENT. */
export const byDatanetPrefix = (datanetId: bigint) => concatBytes(BY_DATANET_PREFIX, u64be(datanetId));

/** Contributions of a datanet in one status: prefix ‖ contribution id → content sha256. */
export const byStatusPrefix = (datanetId: bigint, status: number) =>
  concatBytes(BY_STATUS_PREFIX, u64be(datanetId), Uint8Array.of(status));

export const byContributorPrefix = (address: Uint8Array) =>
  concatBytes(BY_CONTRIBUTOR_PREFIX, lengthPrefixed(address));

export const contentHashKey = (datanetId: bigint, sha256: Uint8Array) =>
  concatBytes(CONTENT_HASH_PREFIX, u64be(datanetId), sha256);

/** Every contribution that declares this content, any status: prefix ‖ contribution id → PRESENT. */
export const byContentPrefix = (sha256: Uint8Array) => concatBytes(BY_CONTENT_PREFIX, sha256);

export const versionPrefix = (datanetId: bigint) => concatBytes(VERSION_PREFIX, u64be(datanetId));

export const versionKey = (datanetId: bigint, version: bigint) =>
  concatBytes(versionPrefix(datanetId), u64be(version));

export const changedKey = (datanetId: bigint) => concatBytes(CHANGED_PREFIX, u64be(datanetId));

export const statsKey = (address: Uint8Array) => concatBytes(STATS_PREFIX, address);

export const contributorUsageKey = (day: bigint, address: Uint8Array) =>
  concatBytes(CONTRIBUTOR_USAGE_PREFIX, u64be(day), address);

export const datanetUsageKey = (day: bigint, datanetId: bigint) =>
  concatBytes(DATANET_USAGE_PREFIX, u64be(day), u64be(datanetId));
