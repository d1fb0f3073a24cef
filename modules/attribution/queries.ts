// attribution gRPC query routes, served through abci_query at /openledger.attribution.v1.Query/<Name>.
import { fromBech32 } from "@cosmjs/encoding";
import { formatAddress, parseAddress } from "../../node/app/address.js";
import type { Context } from "../../node/app/context.js";
import type { QueryRoute } from "../../node/app/module.js";
import {
  QueryAttributionRequest,
  QueryAttributionResponse,
  QueryJobRequest,
  QueryJobResponse,
  QueryParamsResponse,
  QueryPendingJobsRequest,
  QueryPendingJobsResponse,
  QueryRewardsByContributorRequest,
  QueryRewardsByContributorResponse,
  QueryRewardsByDatanetRequest,
  QueryRewardsByDatanetResponse,
  QueryValidatorRecordRequest,
  QueryValidatorRecordResponse,
} from "../../proto/gen/openledger/attribution/v1/query.js";
import type { Job } from "../../proto/gen/openledger/attribution/v1/types.js";
import { decode } from "../auth/queries.js";
import { parseValoper, VALOPER_PREFIX } from "../staking/address.js";
import { AttributionCode, attributionError } from "./errors.js";
import type { AttributionKeeper } from "./keeper.js";

export const QUERY_PREFIX = "/openledger.attribution.v1.Query/";

function job(keeper: AttributionKeeper, ctx: Context, id: bigint): Job {
  const found = keeper.getJob(ctx, id);
  if (!found) throw attributionError(AttributionCode.JobNotFound, `job ${id} does not exist`);
  return found;
}

/** An operator account (open1…) or its operator address (openvaloper1…), as account bytes. */
function operatorBytes(address: string): Uint8Array {
  let prefix = "";
  try {
    prefix = fromBech32(address, 1023).prefix;
  } catch {
    // parseAddress below gives the error.
  }
  return prefix === VALOPER_PREFIX ? parseValoper(address, "operator") : parseAddress(address, "operator");
}

export function attributionQueries(keeper: AttributionKeeper): QueryRoute[] {
  const coin = (ctx: Context, amount: bigint) => ({
    denom: keeper.getParams(ctx).feeDenom,
    amount: amount.toString(),
  });
  return [
    {
      path: `${QUERY_PREFIX}Job`,
      handle(ctx, data) {
        const req = decode(() => QueryJobRequest.decode(data));
        return QueryJobResponse.encode({ job: job(keeper, ctx, req.jobId) }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}Attribution`,
      handle(ctx, data) {
        const req = decode(() => QueryAttributionRequest.decode(data));
        const j = job(keeper, ctx, req.jobId);
        const final = j.resultHash.length > 0 ? keeper.getResult(ctx, j.id, j.resultHash) : undefined;
        return QueryAttributionResponse.encode({
          job: j,
          entries: final?.entries ?? [],
          results: keeper.results(ctx, j.id),
          submissions: keeper.submissions(ctx, j.id),
        }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}PendingJobs`,
      handle(ctx, data) {
        const req = decode(() => QueryPendingJobsRequest.decode(data));
        const { key, limit } = req.pagination ?? { key: new Uint8Array(0), limit: 0n };
        const { jobs, nextKey } = keeper.pendingPage(ctx, key, limit);
        return QueryPendingJobsResponse.encode({ jobs, pagination: { nextKey } }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}RewardsByContributor`,
      handle(ctx, data) {
        const req = decode(() => QueryRewardsByContributorRequest.decode(data));
        const address = parseAddress(req.contributor, "contributor");
        const rewards = coin(ctx, keeper.contributorRewards(ctx, address));
        return QueryRewardsByContributorResponse.encode({ rewards }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}RewardsByDatanet`,
      handle(ctx, data) {
        const req = decode(() => QueryRewardsByDatanetRequest.decode(data));
        const rewards = coin(ctx, keeper.datanetRewards(ctx, req.datanetId));
        return QueryRewardsByDatanetResponse.encode({ rewards }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}ValidatorRecord`,
      handle(ctx, data) {
        const req = decode(() => QueryValidatorRecordRequest.decode(data));
        const record = keeper.getRecord(ctx, formatAddress(operatorBytes(req.operator)));
        return QueryValidatorRecordResponse.encode({ record }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}Params`,
      handle(ctx) {
        return QueryParamsResponse.encode({ params: keeper.getParams(ctx) }).finish();
      },
    },
  ];
}
