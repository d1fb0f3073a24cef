// This chain's module queries over abci_query: protobuf requests and answers from proto/gen
// (openledger.*) and cosmjs-types (staking), paths /<package>.Query/<Method> as in client/*-queries.ts.
import { QueryValidatorsRequest, QueryValidatorsResponse } from "cosmjs-types/cosmos/staking/v1beta1/query";
import * as attribution from "../../proto/gen/openledger/attribution/v1/query.js";
import * as datanets from "../../proto/gen/openledger/datanets/v1/query.js";
import type { Contribution } from "../../proto/gen/openledger/datanets/v1/types.js";
import * as models from "../../proto/gen/openledger/models/v1/query.js";
import * as settlement from "../../proto/gen/openledger/settlement/v1/query.js";
import { base64ToBytes, RpcFailure, rpc } from "./rpc.js";

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
}
interface Decoder<T> {
  decode(bytes: Uint8Array): T;
}

export class QueryFailure extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly codespace: string,
  ) {
    super(message);
  }
}

const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** One module query; rejects with QueryFailure carrying the module's code and log. */
async function query<Req, Res>(path: string, req: Codec<Req>, res: Decoder<Res>, request: Req): Promise<Res> {
  const r = await rpc<{ response: { code: number; log: string; codespace: string; value: string | null } }>(
    "abci_query",
    { path, data: toHex(req.encode(request).finish()), prove: false },
  );
  const { code, log, codespace, value } = r.response;
  if (code !== 0) throw new QueryFailure(log || `${path} failed with code ${code}`, code, codespace);
  return res.decode(base64ToBytes(value ?? ""));
}

const page = (limit = 100n, key: Uint8Array = new Uint8Array(0)) => ({ key, limit });
const datanetsPage = (limit = 100n, key: Uint8Array = new Uint8Array(0)) => ({
  key,
  limit,
  offset: 0n,
  countTotal: false,
  reverse: false,
});

const D = "/openledger.datanets.v1.Query/";
const M = "/openledger.models.v1.Query/";
const A = "/openledger.attribution.v1.Query/";
const S = "/openledger.settlement.v1.Query/";

export const datanetsQuery = {
  list: () =>
    query(`${D}Datanets`, datanets.QueryDatanetsRequest, datanets.QueryDatanetsResponse, {
      pagination: datanetsPage(),
      domain: "",
      tag: "",
    }),
  datanet: (id: bigint) =>
    query(`${D}Datanet`, datanets.QueryDatanetRequest, datanets.QueryDatanetResponse, { id }),
  version: (datanetId: bigint, version: bigint) =>
    query(`${D}DatanetVersion`, datanets.QueryDatanetVersionRequest, datanets.QueryDatanetVersionResponse, {
      datanetId,
      version,
    }),
  contribution: (id: bigint, includeContent = true) =>
    query(`${D}Contribution`, datanets.QueryContributionRequest, datanets.QueryContributionResponse, {
      id,
      includeContent,
    }),
  byDatanet: (datanetId: bigint) =>
    query(
      `${D}ContributionsByDatanet`,
      datanets.QueryContributionsByDatanetRequest,
      datanets.QueryContributionsByDatanetResponse,
      { datanetId, status: 0, pagination: datanetsPage(1000n) },
    ),
  byContributor: (contributor: string) =>
    query(
      `${D}ContributionsByContributor`,
      datanets.QueryContributionsByContributorRequest,
      datanets.QueryContributionsByContributorResponse,
      { contributor, pagination: datanetsPage(1000n) },
    ),
  stats: (contributor: string) =>
    query(
      `${D}ContributorStats`,
      datanets.QueryContributorStatsRequest,
      datanets.QueryContributorStatsResponse,
      { contributor },
    ),
};

export const modelsQuery = {
  list: () =>
    query(`${M}Models`, models.QueryModelsRequest, models.QueryModelsResponse, {
      owner: "",
      datanetId: undefined,
      pagination: page(),
    }),
  model: (modelId: bigint) =>
    query(`${M}Model`, models.QueryModelRequest, models.QueryModelResponse, { modelId }),
  adapter: (adapterId: bigint) =>
    query(`${M}Adapter`, models.QueryAdapterRequest, models.QueryAdapterResponse, { adapterId }),
  adapters: (modelId: bigint) =>
    query(`${M}AdaptersOfModel`, models.QueryAdaptersOfModelRequest, models.QueryAdaptersOfModelResponse, {
      modelId,
      pagination: page(),
    }),
};

export const attributionQuery = {
  attribution: (jobId: bigint) =>
    query(`${A}Attribution`, attribution.QueryAttributionRequest, attribution.QueryAttributionResponse, {
      jobId,
    }),
  job: (jobId: bigint) =>
    query(`${A}Job`, attribution.QueryJobRequest, attribution.QueryJobResponse, { jobId }),
  pending: () =>
    query(`${A}PendingJobs`, attribution.QueryPendingJobsRequest, attribution.QueryPendingJobsResponse, {
      pagination: page(),
    }),
  rewardsByContributor: (contributor: string) =>
    query(
      `${A}RewardsByContributor`,
      attribution.QueryRewardsByContributorRequest,
      attribution.QueryRewardsByContributorResponse,
      { contributor },
    ),
  rewardsByDatanet: (datanetId: bigint) =>
    query(
      `${A}RewardsByDatanet`,
      attribution.QueryRewardsByDatanetRequest,
      attribution.QueryRewardsByDatanetResponse,
      { datanetId },
    ),
  params: () => query(`${A}Params`, attribution.QueryParamsRequest, attribution.QueryParamsResponse, {}),
};

export const settlementQuery = {
  byPayer: (payer: string) =>
    query(`${S}PaymentsByPayer`, settlement.QueryPaymentsByPayerRequest, settlement.QueryPaymentsResponse, {
      payer,
      pagination: page(),
    }),
  byPayee: (payee: string) =>
    query(`${S}PaymentsByPayee`, settlement.QueryPaymentsByPayeeRequest, settlement.QueryPaymentsResponse, {
      payee,
      pagination: page(),
    }),
};

export const stakingQuery = {
  validators: () =>
    query("/cosmos.staking.v1beta1.Query/Validators", QueryValidatorsRequest, QueryValidatorsResponse, {
      status: "",
      pagination: undefined,
    }),
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Bytes held in the node's content store (GET /content/<sha256>), or undefined when not held. */
export async function contentBytes(sha256: Uint8Array): Promise<Uint8Array | undefined> {
  const res = await fetch(`/content/${toHex(sha256)}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new RpcFailure(`content ${toHex(sha256)}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** A contribution's text (inline, or from the content store); undefined when not here or not UTF-8. */
export async function contributionText(c: Contribution, inline: Uint8Array): Promise<string | undefined> {
  const bytes = c.inline ? inline : await contentBytes(c.contentHash);
  if (bytes === undefined) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export { toHex };
