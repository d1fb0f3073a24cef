// Store layout of the attribution module (store "attribution"); see README.md. Ids and heights are
// 8-byte big-endian so keys sort numerically; addresses are length-prefixed wherever anything
// follows them.
import { concatBytes } from "../../node/crypto/merkle.js";

export const STORE = "attribution";

export const PARAMS_KEY = Uint8Array.of(0x00);
export const NEXT_JOB_ID_KEY = Uint8Array.of(0x01);
export const JOB_PREFIX = Uint8Array.of(0x10);
export const SUBMISSION_PREFIX = Uint8Array.of(0x11);
export const RESULT_PREFIX = Uint8Array.of(0x12);
export const PENDING_PREFIX = Uint8Array.of(0x20);
export const DEADLINE_PREFIX = Uint8Array.of(0x21);
export const CONTRIBUTOR_REWARDS_PREFIX = Uint8Array.of(0x30);
export const DATANET_REWARDS_PREFIX = Uint8Array.of(0x31);
export const VALIDATOR_RECORD_PREFIX = Uint8Array.of(0x40);

/** A marker value for index entries (the store keeps no empty values). */
export const PRESENT = Uint8Array.of(1);

export function u64be(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

export function readU64be(b: Uint8Array, offset = 0): bigint {
  if (b.length < offset + 8) throw new Error(`attribution store: short key or value (${b.length} bytes)`);
  return new DataView(b.buffer, b.byteOffset + offset, 8).getBigUint64(0);
}

export function lp(bytes: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(bytes.length), bytes);
}

export const jobKey = (id: bigint) => concatBytes(JOB_PREFIX, u64be(id));

/** Every submission of a job: prefix ‖ len(operator) ‖ operator → Submission. */
export const submissionsPrefix = (jobId: bigint) => concatBytes(SUBMISSION_PREFIX, u64be(jobId));
export const submissionKey = (jobId: bigint, operator: Uint8Array) =>
  concatBytes(submissionsPrefix(jobId), lp(operator));

/** Every distinct result of a job: prefix ‖ result hash (32) → Result. */
export const resultsPrefix = (jobId: bigint) => concatBytes(RESULT_PREFIX, u64be(jobId));
export const resultKey = (jobId: bigint, hash: Uint8Array) => concatBytes(resultsPrefix(jobId), hash);

export const pendingKey = (jobId: bigint) => concatBytes(PENDING_PREFIX, u64be(jobId));

/** Deadline queue: u64be(deadline height) ‖ u64be(job id) → PRESENT, removed when settled. */
export const deadlineKey = (deadline: bigint, jobId: bigint) =>
  concatBytes(DEADLINE_PREFIX, u64be(deadline), u64be(jobId));

export const contributorRewardsKey = (address: Uint8Array) =>
  concatBytes(CONTRIBUTOR_REWARDS_PREFIX, address);
export const datanetRewardsKey = (datanetId: bigint) => concatBytes(DATANET_REWARDS_PREFIX, u64be(datanetId));
export const validatorRecordKey = (operator: Uint8Array) => concatBytes(VALIDATOR_RECORD_PREFIX, operator);
