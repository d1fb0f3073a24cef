// Stateless checks of datanet and contribution fields. Each throws a datanets error (or SDK code
// 7 for an address) naming the field; nothing here reads state.

import { sha256 } from "@noble/hashes/sha2.js";
import { parseAddress } from "../../node/app/address.js";
import { DataType } from "../../proto/gen/openledger/datanets/v1/types.js";
import { DatanetsCode, datanetsError } from "./errors.js";
import { LIMITS } from "./params.js";

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]*[A-Za-z0-9]$/;
const SLUG = /^[a-z0-9][a-z0-9-]*$/;
const LICENSE = /^[A-Za-z0-9][A-Za-z0-9 .+:()-]*$/;
const MEDIA_TYPE = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,63})\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;
const BOND = /^(0|[1-9][0-9]{0,30})$/;
/** A C0 control character or DEL; multiline text may hold tab and newline. */
function hasControl(value: string, multiline: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (multiline && (c === 0x09 || c === 0x0a)) continue;
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function invalid(detail: string) {
  return datanetsError(DatanetsCode.InvalidField, detail);
}

export function byteLength(s: string): number {
  return utf8.encode(s).length;
}

export function checkName(name: string): void {
  if (name.length < LIMITS.nameMin || name.length > LIMITS.nameMax || !NAME.test(name)) {
    throw invalid(
      `name ${JSON.stringify(name)} must be ${LIMITS.nameMin}-${LIMITS.nameMax} characters of ` +
        "A-Z a-z 0-9 space _ . -, starting and ending with a letter or digit",
    );
  }
}

/** Free text: at most maxBytes of UTF-8; multiline allows tab and newline. */
export function checkText(field: string, value: string, maxBytes: number, multiline = false): void {
  if (byteLength(value) > maxBytes) throw invalid(`${field} is ${byteLength(value)} bytes, max ${maxBytes}`);
  if (hasControl(value, multiline)) throw invalid(`${field} contains a control character`);
}

export function checkDomain(domain: string): void {
  if (domain.length === 0 || domain.length > LIMITS.domainChars || !SLUG.test(domain))
    throw invalid(`domain ${JSON.stringify(domain)} must be 1-${LIMITS.domainChars} characters of a-z 0-9 -`);
}

export function checkTags(tags: readonly string[]): void {
  if (tags.length > LIMITS.tags) throw invalid(`${tags.length} tags, max ${LIMITS.tags}`);
  const seen = new Set<string>();
  for (const tag of tags) {
    if (tag.length === 0 || tag.length > LIMITS.tagChars || !SLUG.test(tag))
      throw invalid(`tag ${JSON.stringify(tag)} must be 1-${LIMITS.tagChars} characters of a-z 0-9 -`);
    if (seen.has(tag)) throw invalid(`tag ${JSON.stringify(tag)} is repeated`);
    seen.add(tag);
  }
}

/** Valid, distinct addresses, at most max, none of them `exclude` (the owner). */
export function checkAddressList(
  field: string,
  list: readonly string[],
  max: number,
  exclude?: string,
): void {
  if (list.length > max) throw invalid(`${list.length} ${field}, max ${max}`);
  const seen = new Set<string>();
  for (const a of list) {
    parseAddress(a, `${field} entry`);
    if (seen.has(a)) throw invalid(`${field}: ${a} is repeated`);
    if (a === exclude) throw invalid(`${field}: the owner ${a} cannot be listed`);
    seen.add(a);
  }
}

export function checkDataType(t: DataType): void {
  if (t !== DataType.DATA_TYPE_TEXT && t !== DataType.DATA_TYPE_IMAGE && t !== DataType.DATA_TYPE_AUDIO)
    throw invalid(`data_type ${t} must be DATA_TYPE_TEXT (1), DATA_TYPE_IMAGE (2) or DATA_TYPE_AUDIO (3)`);
}

/** A decimal amount of the bond denom; empty means "0". */
export function parseBond(bond: string): bigint {
  if (bond === "") return 0n;
  if (!BOND.test(bond)) throw invalid(`contribution_bond ${JSON.stringify(bond)} must be a decimal amount`);
  return BigInt(bond);
}

export function checkLicense(license: string): void {
  if (license.length === 0 || license.length > LIMITS.licenseChars || !LICENSE.test(license)) {
    throw datanetsError(
      DatanetsCode.InvalidContent,
      `license ${JSON.stringify(license)} must be 1-${LIMITS.licenseChars} characters of A-Z a-z 0-9 space . + : ( ) -`,
    );
  }
}

/** The media type's top-level type, e.g. "text" for "text/markdown". */
export function checkMediaType(mediaType: string): string {
  const m = MEDIA_TYPE.exec(mediaType);
  if (!m) {
    throw datanetsError(
      DatanetsCode.InvalidContent,
      `media_type ${JSON.stringify(mediaType)} must be a lowercase type/subtype without parameters`,
    );
  }
  return m[1]!;
}

/** Which media types a datanet of a data type takes. */
export function mediaTypeFits(dataType: DataType, topLevel: string): boolean {
  if (dataType === DataType.DATA_TYPE_TEXT) return topLevel === "text" || topLevel === "application";
  if (dataType === DataType.DATA_TYPE_IMAGE) return topLevel === "image";
  return topLevel === "audio";
}

export interface ContentDecl {
  inlineContent: Uint8Array;
  contentHash: Uint8Array;
  size: bigint;
  mediaType: string;
}

/**
 * The content's address and size. Inline: UTF-8 text whose sha256 and length must equal the
 * declared ones when given. Otherwise: a declared 32-byte sha256, a positive size, a media type.
 */
export function resolveContent(decl: ContentDecl): { hash: Uint8Array; size: bigint; mediaType: string } {
  const c = {
    inline: decl.inlineContent,
    hash: decl.contentHash,
    size: decl.size,
    mediaType: decl.mediaType,
  };
  if (c.hash.length !== 0 && c.hash.length !== 32)
    throw datanetsError(DatanetsCode.InvalidContent, `content_hash is ${c.hash.length} bytes, expected 32`);
  if (c.inline.length > 0) {
    try {
      strictUtf8.decode(c.inline);
    } catch {
      throw datanetsError(DatanetsCode.InvalidContent, "inline_content is not valid UTF-8");
    }
    const hash = sha256(c.inline);
    const size = BigInt(c.inline.length);
    if (c.hash.length === 32 && !equalBytes(c.hash, hash)) {
      throw datanetsError(
        DatanetsCode.HashMismatch,
        `inline_content hashes to ${hex(hash)}, declared ${hex(c.hash)}`,
      );
    }
    if (c.size !== 0n && c.size !== size)
      throw datanetsError(DatanetsCode.HashMismatch, `inline_content is ${size} bytes, declared ${c.size}`);
    return { hash, size, mediaType: c.mediaType || "text/plain" };
  }
  if (c.hash.length === 0)
    throw datanetsError(DatanetsCode.InvalidContent, "no content: give inline_content or content_hash");
  if (c.size === 0n) throw datanetsError(DatanetsCode.InvalidContent, "size is required with content_hash");
  if (c.mediaType === "")
    throw datanetsError(DatanetsCode.InvalidContent, "media_type is required with content_hash");
  return { hash: c.hash, size: c.size, mediaType: c.mediaType };
}

export function checkScore(score: number): void {
  if (!Number.isInteger(score) || score < 0 || score > LIMITS.maxScore)
    throw datanetsError(DatanetsCode.InvalidScore, `score ${score} must be 0-${LIMITS.maxScore}`);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}
