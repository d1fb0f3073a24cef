// attribution genesis: params, the job counter, jobs, submissions, distinct results, reward totals
// and validator records. Pending jobs' escrowed fees must be in the escrow's bank balance; the
// pending index and the deadline queue are rebuilt from the jobs (queued: deadline after the
// genesis height), so export then import gives the same app hash.
import { formatAddress, parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import { sha256 } from "../../node/crypto/sha256.js";
import {
  type Job,
  JobState,
  type Params,
  type Result,
  type Submission,
  type ValidatorRecord,
} from "../../proto/gen/openledger/attribution/v1/types.js";
import { asObject } from "../auth/genesis.js";
import { fromJson, JOB, PARAMS, RECORD, RESULT, SUBMISSION, toJson } from "./json.js";
import type { AttributionKeeper } from "./keeper.js";
import { checkSha256, parseFee } from "./msgs.js";
import { DEFAULT_PARAMS, validateParams } from "./params.js";
import { checkEntries, checkMethod, hex, resultHash } from "./result.js";

export interface AttributionGenesis {
  params: Params;
  nextJobId: bigint;
  jobs: Job[];
  submissions: Submission[];
  results: Result[];
  contributorRewards: { contributor: string; amount: bigint }[];
  datanetRewards: { datanetId: bigint; amount: bigint }[];
  validatorRecords: ValidatorRecord[];
}

export function defaultGenesis(): AttributionGenesis {
  return {
    params: { ...DEFAULT_PARAMS },
    nextJobId: 1n,
    jobs: [],
    submissions: [],
    results: [],
    contributorRewards: [],
    datanetRewards: [],
    validatorRecords: [],
  };
}

const TOP = [
  "params",
  "next_job_id",
  "jobs",
  "submissions",
  "results",
  "contributor_rewards",
  "datanet_rewards",
  "validator_records",
];
const CONTRIBUTOR_TOTAL = { contributor: "address", amount: "amount" } as const;
const DATANET_TOTAL = { datanetId: "u64", amount: "amount" } as const;

export function parseGenesis(json: unknown): AttributionGenesis {
  const o = asObject(json, "attribution genesis");
  for (const key of Object.keys(o))
    if (!TOP.includes(key)) throw new Error(`attribution genesis: unknown field "${key}"`);
  const list = <T>(key: string, parse: (raw: unknown, where: string) => T): T[] => {
    const v = o[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new Error(`attribution.${key} must be an array`);
    return v.map((raw, i) => parse(raw, `attribution.${key}[${i}]`));
  };
  const positive = (x: { amount: string }, where: string) => {
    if (x.amount === "0") throw new Error(`${where}.amount must be positive`);
    return BigInt(x.amount);
  };
  const g: AttributionGenesis = {
    params:
      o.params === undefined
        ? { ...DEFAULT_PARAMS }
        : fromJson(PARAMS, o.params, "attribution.params", DEFAULT_PARAMS),
    nextJobId: fromJson<{ nextJobId: bigint }>(
      { nextJobId: "u64" },
      { next_job_id: o.next_job_id ?? "1" },
      "attribution",
    ).nextJobId,
    jobs: list("jobs", (raw, w) => fromJson<Job>(JOB, raw, w)),
    submissions: list("submissions", (raw, w) => fromJson<Submission>(SUBMISSION, raw, w)),
    results: list("results", (raw, w) => fromJson<Result>(RESULT, raw, w)),
    contributorRewards: list("contributor_rewards", (raw, w) => {
      const x = fromJson<{ contributor: string; amount: string }>(CONTRIBUTOR_TOTAL, raw, w);
      return { contributor: x.contributor, amount: positive(x, w) };
    }),
    datanetRewards: list("datanet_rewards", (raw, w) => {
      const x = fromJson<{ datanetId: bigint; amount: string }>(DATANET_TOTAL, raw, w);
      return { datanetId: x.datanetId, amount: positive(x, w) };
    }),
    validatorRecords: list("validator_records", (raw, w) => fromJson<ValidatorRecord>(RECORD, raw, w)),
  };
  validateGenesis(g);
  return g;
}

function at(where: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}

function once(seen: Set<string>, key: string, what: string): void {
  if (seen.has(key)) throw new Error(`attribution: duplicate ${what}`);
  seen.add(key);
}

/** Every record checked on its own and against the others; throws naming the entry. */
export function validateGenesis(g: AttributionGenesis): void {
  validateParams(g.params);
  if (g.nextJobId < 1n) throw new Error("attribution.next_job_id must be at least 1");
  const jobs = new Map<bigint, Job>();
  for (const [i, j] of g.jobs.entries()) {
    at(`attribution.jobs[${i}]`, () => {
      if (j.id < 1n || j.id >= g.nextJobId) throw new Error(`id ${j.id} must be 1..next_job_id-1`);
      if (jobs.has(j.id)) throw new Error(`duplicate id ${j.id}`);
      if ((j.modelId === 0n) === (j.adapterId === 0n))
        throw new Error("exactly one of model_id and adapter_id");
      checkSha256(j.promptSha256, "prompt_sha256");
      checkSha256(j.outputSha256, "output_sha256");
      const inline = new TextEncoder().encode(j.outputText);
      if (
        j.outputText !== "" &&
        (hex(sha256(inline)) !== hex(j.outputSha256) || BigInt(inline.length) !== j.outputSize)
      )
        throw new Error("output_sha256 and output_size do not match output_text");
      if (j.outputSize === 0n) throw new Error("output_size must be positive");
      parseFee(j.fee);
      checkMethod(j.method);
      if (j.deadlineHeight < j.createdHeight) throw new Error("deadline_height is before created_height");
      const finalized = j.state === JobState.JOB_STATE_FINALIZED;
      if (j.state < JobState.JOB_STATE_PENDING || j.state > JobState.JOB_STATE_EXPIRED)
        throw new Error("state must be PENDING, FINALIZED or EXPIRED");
      if (finalized !== j.resultHash.length > 0 || finalized !== j.finalizedHeight > 0n)
        throw new Error("result_hash and finalized_height are set exactly when the job is finalized");
      jobs.set(j.id, j);
    });
  }
  const results = new Set<string>();
  for (const [i, r] of g.results.entries()) {
    at(`attribution.results[${i}]`, () => {
      if (!jobs.has(r.jobId)) throw new Error(`unknown job ${r.jobId}`);
      checkSha256(r.resultHash, "result_hash");
      checkEntries(r.entries, g.params.maxEntries);
      once(results, `${r.jobId}/${hex(r.resultHash)}`, `result ${hex(r.resultHash)} of job ${r.jobId}`);
    });
  }
  const submitted = new Set<string>();
  const seen = new Set<string>();
  for (const [i, s] of g.submissions.entries()) {
    at(`attribution.submissions[${i}]`, () => {
      if (!results.has(`${s.jobId}/${hex(s.resultHash)}`))
        throw new Error(`job ${s.jobId} has no result ${hex(s.resultHash)}`);
      if (s.consensusSignature.length !== 64) throw new Error("consensus_signature must be 64 bytes");
      once(seen, `${s.jobId}/${s.operator}`, `submission of ${s.operator} to job ${s.jobId}`);
      submitted.add(`${s.jobId}/${hex(s.resultHash)}`);
    });
  }
  for (const key of results)
    if (!submitted.has(key)) throw new Error(`attribution: result ${key} has no submission`);
  for (const j of jobs.values())
    if (j.state === JobState.JOB_STATE_FINALIZED && !results.has(`${j.id}/${hex(j.resultHash)}`))
      throw new Error(`attribution: finalized job ${j.id} has no result ${hex(j.resultHash)}`);
  for (const x of g.contributorRewards)
    once(seen, `c/${x.contributor}`, `contributor_rewards for ${x.contributor}`);
  for (const x of g.datanetRewards) once(seen, `d/${x.datanetId}`, `datanet_rewards for ${x.datanetId}`);
  for (const r of g.validatorRecords) once(seen, `v/${r.operator}`, `validator_records for ${r.operator}`);
}

export function initGenesis(keeper: AttributionKeeper, ctx: Context, g: AttributionGenesis): void {
  const height = ctx.header.height;
  keeper.setParams(ctx, g.params);
  keeper.setNextJobId(ctx, g.nextJobId);
  const escrowed = new Map<string, bigint>([[g.params.feeDenom, 0n]]);
  const jobs = new Map<bigint, Job>();
  for (const j of g.jobs) {
    keeper.setJob(ctx, j);
    jobs.set(j.id, j);
    if (j.deadlineHeight > height) keeper.enqueueDeadline(ctx, j);
    if (j.state !== JobState.JOB_STATE_PENDING) continue;
    if (j.deadlineHeight <= height)
      throw new Error(
        `attribution genesis: pending job ${j.id} has deadline ${j.deadlineHeight}, not after height ${height}`,
      );
    const fee = parseFee(j.fee);
    escrowed.set(fee.denom, (escrowed.get(fee.denom) ?? 0n) + fee.amount);
  }
  for (const r of g.results) {
    const job = jobs.get(r.jobId)!;
    const expected = resultHash({
      chainId: ctx.header.chainId,
      jobId: r.jobId,
      method: job.method,
      entries: r.entries,
    });
    if (hex(expected) !== hex(r.resultHash))
      throw new Error(
        `attribution genesis: result ${hex(r.resultHash)} of job ${r.jobId} is not the hash of its entries`,
      );
    keeper.setResult(ctx, r);
  }
  for (const s of g.submissions) keeper.setSubmission(ctx, s);
  for (const x of g.contributorRewards)
    keeper.setContributorRewards(ctx, parseAddress(x.contributor), x.amount);
  for (const x of g.datanetRewards) keeper.setDatanetRewards(ctx, x.datanetId, x.amount);
  for (const r of g.validatorRecords) keeper.setRecord(ctx, r);
  // Bank's genesis ran first: the escrow must hold exactly the fees of the pending jobs.
  for (const [denom, amount] of escrowed) {
    const held = keeper.bank.getBalance(ctx, keeper.escrow, denom);
    if (held !== amount)
      throw new Error(
        `attribution genesis: the escrow ${formatAddress(keeper.escrow)} holds ${held}${denom}, ` +
          `the pending jobs' fees are ${amount}${denom}`,
      );
  }
}

export function exportGenesis(keeper: AttributionKeeper, ctx: Context): AttributionGenesis {
  return {
    params: keeper.getParams(ctx),
    nextJobId: keeper.nextJobId(ctx),
    jobs: [...keeper.jobs(ctx)],
    submissions: keeper.submissions(ctx),
    results: keeper.results(ctx),
    contributorRewards: keeper
      .allContributorRewards(ctx)
      .map((x) => ({ contributor: formatAddress(x.address), amount: x.amount })),
    datanetRewards: keeper.allDatanetRewards(ctx),
    validatorRecords: keeper.records(ctx),
  };
}

export function genesisToJson(g: AttributionGenesis): unknown {
  return {
    params: toJson(PARAMS, g.params),
    next_job_id: g.nextJobId.toString(),
    jobs: g.jobs.map((j) => toJson(JOB, j)),
    submissions: g.submissions.map((s) => toJson(SUBMISSION, s)),
    results: g.results.map((r) => toJson(RESULT, r)),
    contributor_rewards: g.contributorRewards.map((x) => ({
      contributor: x.contributor,
      amount: x.amount.toString(),
    })),
    datanet_rewards: g.datanetRewards.map((x) => ({
      datanet_id: x.datanetId.toString(),
      amount: x.amount.toString(),
    })),
    validator_records: g.validatorRecords.map((r) => toJson(RECORD, r)),
  };
}
