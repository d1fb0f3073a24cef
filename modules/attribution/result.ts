// The result a validator signs, as pure functions shared by the module (which checks) and the
// node's attribution worker (which produces): the canonical result layout and its hash, the bytes
// the consensus key signs, and the stateless checks of entries. Layouts in README.md.
import { concatBytes } from "../../node/crypto/merkle.js";
import { sha256 } from "../../node/crypto/sha256.js";
import { type Ed25519Key, signEd25519, verifyEd25519 } from "../../node/types/ed25519.js";
import type { Entry } from "../../proto/gen/openledger/attribution/v1/types.js";
import { AttributionMethod } from "../../proto/gen/openledger/models/v1/types.js";
import { AttributionCode, attributionError } from "./errors.js";
import { u64be } from "./keys.js";

/** 32 ASCII bytes that open every result layout. */
export const RESULT_DOMAIN = "openledger/attribution/result/v1";
/** 30 ASCII bytes that open every sign-bytes preimage. */
export const SIGN_DOMAIN = "openledger/attribution/sign/v1";
/** Entries' bps sum to exactly this (or there are none: "no attribution found"). */
export const TOTAL_BPS = 10_000;
export const RESULT_HASH_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

const ascii = new TextEncoder();

export interface ResultInput {
  chainId: string;
  jobId: bigint;
  method: AttributionMethod;
  /** Ascending contribution ids (checkEntries). */
  entries: readonly Entry[];
}

/**
 * The canonical result layout: RESULT_DOMAIN (32 bytes) ‖ u8(len(chain_id)) ‖ chain_id (UTF-8) ‖
 * u64be(job_id) ‖ u32be(method) ‖ u32be(entry count) ‖ for each entry u64be(contribution_id) ‖
 * u32be(bps). Entries are taken as given: the hash of unsorted entries is simply another hash.
 */
export function resultBytes(r: ResultInput): Uint8Array {
  const chain = ascii.encode(r.chainId);
  if (chain.length > 255) throw new Error(`chain id is ${chain.length} bytes, more than 255`);
  const out = new Uint8Array(32 + 1 + chain.length + 8 + 4 + 4 + 12 * r.entries.length);
  const view = new DataView(out.buffer);
  let at = 0;
  out.set(ascii.encode(RESULT_DOMAIN), at);
  at += 32;
  out[at++] = chain.length;
  out.set(chain, at);
  at += chain.length;
  view.setBigUint64(at, r.jobId);
  view.setUint32(at + 8, r.method);
  view.setUint32(at + 12, r.entries.length);
  at += 16;
  for (const e of r.entries) {
    view.setBigUint64(at, e.contributionId);
    view.setUint32(at + 8, e.bps);
    at += 12;
  }
  return out;
}

/** result_hash = sha256(resultBytes). */
export function resultHash(r: ResultInput): Uint8Array {
  return sha256(resultBytes(r));
}

/** What the consensus key signs: sha256(SIGN_DOMAIN ‖ chain_id ‖ u64be(job_id) ‖ result_hash). */
export function attributionSignBytes(chainId: string, jobId: bigint, hash: Uint8Array): Uint8Array {
  if (hash.length !== RESULT_HASH_LENGTH) throw new Error(`result hash must be 32 bytes, got ${hash.length}`);
  return sha256(concatBytes(ascii.encode(SIGN_DOMAIN), ascii.encode(chainId), u64be(jobId), hash));
}

/** The worker's side: result hash and consensus signature for a result, ready for the message. */
export function signResult(
  key: Pick<Ed25519Key, "seed">,
  r: ResultInput,
): { resultHash: Uint8Array; consensusSignature: Uint8Array } {
  const hash = resultHash(r);
  return {
    resultHash: hash,
    consensusSignature: signEd25519(key, attributionSignBytes(r.chainId, r.jobId, hash)),
  };
}

/** The module's side: CometBFT's ed25519 rules (node/types/ed25519.ts). */
export function verifyResultSignature(
  pubKey: Uint8Array,
  chainId: string,
  jobId: bigint,
  hash: Uint8Array,
  signature: Uint8Array,
): boolean {
  return verifyEd25519(pubKey, attributionSignBytes(chainId, jobId, hash), signature);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function checkMethod(method: AttributionMethod): void {
  if (
    method !== AttributionMethod.ATTRIBUTION_METHOD_SPAN &&
    method !== AttributionMethod.ATTRIBUTION_METHOD_INFLUENCE
  ) {
    throw attributionError(
      AttributionCode.WrongMethod,
      `method ${method} is neither ATTRIBUTION_METHOD_SPAN (1) nor ATTRIBUTION_METHOD_INFLUENCE (2)`,
    );
  }
}

/** Strictly ascending contribution ids (each ≥ 1), bps ≥ 1 each, summing to 10000; or none. */
export function checkEntries(entries: readonly Entry[], maxEntries?: number): void {
  if (maxEntries !== undefined && entries.length > maxEntries)
    throw attributionError(
      AttributionCode.InvalidEntries,
      `${entries.length} entries, more than the maximum ${maxEntries}`,
    );
  let sum = 0;
  let previous = 0n;
  for (const [i, e] of entries.entries()) {
    if (e.contributionId === 0n)
      throw attributionError(AttributionCode.InvalidEntries, `entry ${i} names contribution 0`);
    if (e.contributionId <= previous)
      throw attributionError(
        AttributionCode.InvalidEntries,
        `entries must be sorted by ascending contribution id without repeats: ${e.contributionId} follows ${previous}`,
      );
    if (e.bps === 0 || e.bps > TOTAL_BPS)
      throw attributionError(
        AttributionCode.InvalidEntries,
        `entry for contribution ${e.contributionId} has ${e.bps} bps, not 1..${TOTAL_BPS}`,
      );
    previous = e.contributionId;
    sum += e.bps;
  }
  if (entries.length > 0 && sum !== TOTAL_BPS)
    throw attributionError(AttributionCode.InvalidEntries, `entries' bps sum to ${sum}, not ${TOTAL_BPS}`);
}
