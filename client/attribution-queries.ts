// The attribution QueryClient extension, in the style of cosmjs's setupBankExtension:
// QueryClient.withExtensions(cometClient, setupAttributionExtension).attribution.job(1n).
import type { QueryClient } from "@cosmjs/stargate";
import * as q from "../proto/gen/openledger/attribution/v1/query.js";
import type { Coin, Job, Params, ValidatorRecord } from "../proto/gen/openledger/attribution/v1/types.js";
import { type PageInput, present, unary } from "./abci.js";
import * as c from "./checks.js";
import { modelsPage } from "./models-queries.js";

export const ATTRIBUTION_QUERY_SERVICE = "openledger.attribution.v1.Query";

export interface AttributionExtension {
  readonly attribution: {
    /** A job by id; rejects with code 10 (codespace attribution) when there is none. */
    readonly job: (id: c.U64Like) => Promise<Job>;
    /** The job, its final entries (empty until finalized), every distinct result and submission. */
    readonly attribution: (id: c.U64Like) => Promise<q.QueryAttributionResponse>;
    /** Pending jobs in id order. */
    readonly pendingJobs: (pagination?: PageInput) => Promise<q.QueryPendingJobsResponse>;
    /** Rewards paid to a contributor so far (after penalties). */
    readonly rewardsByContributor: (contributor: string) => Promise<Coin>;
    /** Rewards paid for a datanet's contributions so far. */
    readonly rewardsByDatanet: (datanetId: c.U64Like) => Promise<Coin>;
    /** Submitted / disagreed / missed counters of a validator (open1… or openvaloper1…). */
    readonly validatorRecord: (operator: string) => Promise<ValidatorRecord>;
    readonly params: () => Promise<Params>;
  };
}

export function setupAttributionExtension(base: QueryClient): AttributionExtension {
  const call = <Req, Res>(
    method: string,
    req: { encode(m: Req): { finish(): Uint8Array } },
    res: { decode(b: Uint8Array): Res },
  ) => unary(base, ATTRIBUTION_QUERY_SERVICE, method, req, res);
  const job = call("Job", q.QueryJobRequest, q.QueryJobResponse);
  const attribution = call("Attribution", q.QueryAttributionRequest, q.QueryAttributionResponse);
  const pending = call("PendingJobs", q.QueryPendingJobsRequest, q.QueryPendingJobsResponse);
  const byContributor = call(
    "RewardsByContributor",
    q.QueryRewardsByContributorRequest,
    q.QueryRewardsByContributorResponse,
  );
  const byDatanet = call("RewardsByDatanet", q.QueryRewardsByDatanetRequest, q.QueryRewardsByDatanetResponse);
  const record = call("ValidatorRecord", q.QueryValidatorRecordRequest, q.QueryValidatorRecordResponse);
  const params = call("Params", q.QueryParamsRequest, q.QueryParamsResponse);
  return {
    attribution: {
      job: async (id) => present((await job({ jobId: c.u64("id", id) })).job, "job"),
      attribution: async (id) => attribution({ jobId: c.u64("id", id) }),
      pendingJobs: async (pagination) => pending({ pagination: modelsPage(pagination) }),
      rewardsByContributor: async (contributor) =>
        present(
          (await byContributor({ contributor: c.address("contributor", contributor) })).rewards,
          "rewards",
        ),
      rewardsByDatanet: async (datanetId) =>
        present((await byDatanet({ datanetId: c.u64("datanetId", datanetId) })).rewards, "rewards"),
      validatorRecord: async (operator) => present((await record({ operator })).record, "record"),
      params: async () => present((await params({})).params, "params"),
    },
  };
}
