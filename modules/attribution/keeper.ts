// The attribution keeper: jobs with their pending index and deadline queue, submissions, distinct
// results, reward totals by contributor and by datanet, validator records and params. It alone
// reads and writes the "attribution" store; fees move through bank, rewards are credited to
// datanets' contributor stats, slashes go through staking.
import { parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import { concatBytes } from "../../node/crypto/merkle.js";
import { type KVStore, prefixEnd } from "../../node/store/kv.js";
import {
  Job,
  JobState,
  Params,
  Result,
  Submission,
  ValidatorRecord,
} from "../../proto/gen/openledger/attribution/v1/types.js";
import {
  type AttributionBank,
  type AttributionDatanets,
  type AttributionModels,
  type AttributionStaking,
  ESCROW,
  TREASURY,
} from "./expected.js";
import * as keys from "./keys.js";
import { DEFAULT_PARAMS } from "./params.js";

export const DEFAULT_PAGE_LIMIT = 100n;
export const MAX_PAGE_LIMIT = 1000n;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function emptyRecord(operator: string): ValidatorRecord {
  return { operator, submitted: 0n, disagreed: 0n, missed: 0n, slashed: "0" };
}

export class AttributionKeeper {
  readonly escrow = ESCROW;
  readonly treasury = TREASURY;

  constructor(
    readonly bank: AttributionBank,
    readonly staking: AttributionStaking,
    readonly datanets: AttributionDatanets,
    readonly models: AttributionModels,
  ) {
    bank.blockRecipient(this.escrow);
    bank.blockRecipient(this.treasury);
  }

  store(ctx: Context): KVStore {
    return ctx.kvStore(keys.STORE);
  }

  // ---- params and the job counter

  getParams(ctx: Context): Params {
    const raw = this.store(ctx).get(keys.PARAMS_KEY);
    return raw ? Params.decode(raw) : { ...DEFAULT_PARAMS };
  }

  setParams(ctx: Context, p: Params): void {
    this.store(ctx).set(keys.PARAMS_KEY, Params.encode(p).finish());
  }

  /** The id the next job gets; ids start at 1. */
  nextJobId(ctx: Context): bigint {
    const raw = this.store(ctx).get(keys.NEXT_JOB_ID_KEY);
    return raw ? keys.readU64be(raw) : 1n;
  }

  setNextJobId(ctx: Context, id: bigint): void {
    this.store(ctx).set(keys.NEXT_JOB_ID_KEY, keys.u64be(id));
  }

  // ---- jobs, the pending index and the deadline queue

  getJob(ctx: Context, id: bigint): Job | undefined {
    const raw = this.store(ctx).get(keys.jobKey(id));
    return raw ? Job.decode(raw) : undefined;
  }

  /** Writes the job and keeps the pending index in step with its state. */
  setJob(ctx: Context, job: Job): void {
    const store = this.store(ctx);
    store.set(keys.jobKey(job.id), Job.encode(job).finish());
    if (job.state === JobState.JOB_STATE_PENDING) store.set(keys.pendingKey(job.id), keys.PRESENT);
    else store.delete(keys.pendingKey(job.id));
  }

  *jobs(ctx: Context): Generator<Job> {
    for (const [, v] of range(this.store(ctx), keys.JOB_PREFIX)) yield Job.decode(v);
  }

  enqueueDeadline(ctx: Context, job: Job): void {
    this.store(ctx).set(keys.deadlineKey(job.deadlineHeight, job.id), keys.PRESENT);
  }

  /** Ids of the jobs whose deadline is at or before `height`, in queue order, removed from it. */
  takeDue(ctx: Context, height: bigint): bigint[] {
    const store = this.store(ctx);
    const end = concatBytes(keys.DEADLINE_PREFIX, keys.u64be(height + 1n));
    const due = [...store.iterator(keys.DEADLINE_PREFIX, end)].map(([k]) => k);
    for (const k of due) store.delete(k);
    return due.map((k) => keys.readU64be(k, 9));
  }

  /** Pending jobs in id order from `key` (u64be id; empty: the first). */
  pendingPage(ctx: Context, key: Uint8Array, limit: bigint): { jobs: Job[]; nextKey: Uint8Array } {
    if (key.length !== 0 && key.length !== 8)
      throw sdkError(SdkCode.InvalidRequest, `pagination key must be empty or 8 bytes, got ${key.length}`);
    if (limit > MAX_PAGE_LIMIT)
      throw sdkError(SdkCode.InvalidRequest, `pagination limit ${limit} is more than ${MAX_PAGE_LIMIT}`);
    const max = limit === 0n ? DEFAULT_PAGE_LIMIT : limit;
    const p = keys.PENDING_PREFIX;
    const jobs: Job[] = [];
    for (const [k] of this.store(ctx).iterator(concatBytes(p, key), prefixEnd(p))) {
      const id = keys.readU64be(k, 1);
      if (BigInt(jobs.length) === max) return { jobs, nextKey: keys.u64be(id) };
      const job = this.getJob(ctx, id);
      if (!job) throw new Error(`attribution store: pending index names missing job ${id}`);
      jobs.push(job);
    }
    return { jobs, nextKey: new Uint8Array(0) };
  }

  // ---- submissions and results

  getSubmission(ctx: Context, jobId: bigint, operator: Uint8Array): Submission | undefined {
    const raw = this.store(ctx).get(keys.submissionKey(jobId, operator));
    return raw ? Submission.decode(raw) : undefined;
  }

  setSubmission(ctx: Context, s: Submission): void {
    const key = keys.submissionKey(s.jobId, parseAddress(s.operator));
    this.store(ctx).set(key, Submission.encode(s).finish());
  }

  /** A job's submissions (every job's when undefined), by operator key order. */
  submissions(ctx: Context, jobId?: bigint): Submission[] {
    const p = jobId === undefined ? keys.SUBMISSION_PREFIX : keys.submissionsPrefix(jobId);
    return [...range(this.store(ctx), p)].map(([, v]) => Submission.decode(v));
  }

  getResult(ctx: Context, jobId: bigint, hash: Uint8Array): Result | undefined {
    const raw = this.store(ctx).get(keys.resultKey(jobId, hash));
    return raw ? Result.decode(raw) : undefined;
  }

  setResult(ctx: Context, r: Result): void {
    this.store(ctx).set(keys.resultKey(r.jobId, r.resultHash), Result.encode(r).finish());
  }

  /** A job's distinct results (every job's when undefined), by hash order. */
  results(ctx: Context, jobId?: bigint): Result[] {
    const p = jobId === undefined ? keys.RESULT_PREFIX : keys.resultsPrefix(jobId);
    return [...range(this.store(ctx), p)].map(([, v]) => Result.decode(v));
  }

  // ---- reward totals

  contributorRewards(ctx: Context, contributor: Uint8Array): bigint {
    return amountAt(this.store(ctx), keys.contributorRewardsKey(contributor));
  }

  datanetRewards(ctx: Context, datanetId: bigint): bigint {
    return amountAt(this.store(ctx), keys.datanetRewardsKey(datanetId));
  }

  setContributorRewards(ctx: Context, contributor: Uint8Array, amount: bigint): void {
    setAmount(this.store(ctx), keys.contributorRewardsKey(contributor), amount);
  }

  setDatanetRewards(ctx: Context, datanetId: bigint, amount: bigint): void {
    setAmount(this.store(ctx), keys.datanetRewardsKey(datanetId), amount);
  }

  /** (address bytes, total) in key order. */
  allContributorRewards(ctx: Context): { address: Uint8Array; amount: bigint }[] {
    const p = keys.CONTRIBUTOR_REWARDS_PREFIX;
    return [...range(this.store(ctx), p)].map(([k, v]) => ({
      address: k.slice(p.length),
      amount: BigInt(fromUtf8.decode(v)),
    }));
  }

  allDatanetRewards(ctx: Context): { datanetId: bigint; amount: bigint }[] {
    return [...range(this.store(ctx), keys.DATANET_REWARDS_PREFIX)].map(([k, v]) => ({
      datanetId: keys.readU64be(k, 1),
      amount: BigInt(fromUtf8.decode(v)),
    }));
  }

  // ---- validator records

  getRecord(ctx: Context, operator: string): ValidatorRecord {
    const raw = this.store(ctx).get(keys.validatorRecordKey(parseAddress(operator)));
    return raw ? ValidatorRecord.decode(raw) : emptyRecord(operator);
  }

  setRecord(ctx: Context, r: ValidatorRecord): void {
    const key = keys.validatorRecordKey(parseAddress(r.operator));
    this.store(ctx).set(key, ValidatorRecord.encode(r).finish());
  }

  updateRecord(ctx: Context, operator: string, change: (r: ValidatorRecord) => void): void {
    const r = this.getRecord(ctx, operator);
    change(r);
    this.setRecord(ctx, r);
  }

  records(ctx: Context): ValidatorRecord[] {
    const p = keys.VALIDATOR_RECORD_PREFIX;
    return [...range(this.store(ctx), p)].map(([, v]) => ValidatorRecord.decode(v));
  }
}

function range(store: KVStore, prefix: Uint8Array): IterableIterator<[Uint8Array, Uint8Array]> {
  return store.iterator(prefix, prefixEnd(prefix));
}

function amountAt(store: KVStore, key: Uint8Array): bigint {
  const raw = store.get(key);
  return raw ? BigInt(fromUtf8.decode(raw)) : 0n;
}

function setAmount(store: KVStore, key: Uint8Array, amount: bigint): void {
  if (amount === 0n) store.delete(key);
  else store.set(key, utf8.encode(amount.toString()));
}
