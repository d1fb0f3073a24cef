// The datanets QueryClient extension, in the style of cosmjs's setupBankExtension:
// QueryClient.withExtensions(cometClient, setupDatanetsExtension).datanets.datanet(1n).
import type { QueryClient } from "@cosmjs/stargate";
import * as q from "../proto/gen/openledger/datanets/v1/query.js";
import type {
  ContributionStatus,
  Datanet,
  DatanetVersion,
  PageRequest,
  Params,
} from "../proto/gen/openledger/datanets/v1/types.js";
import { type PageInput, present, unary } from "./abci.js";
import * as c from "./checks.js";

export const DATANETS_QUERY_SERVICE = "openledger.datanets.v1.Query";

export function datanetsPage(p: PageInput | undefined): PageRequest {
  return {
    key: p?.key ?? new Uint8Array(0),
    offset: 0n,
    limit: p?.limit === undefined ? 0n : c.u64("pagination.limit", p.limit),
    countTotal: false,
    reverse: false,
  };
}

export interface DatanetsExtension {
  readonly datanets: {
    /** A datanet by id; rejects with code 3 when there is none. */
    readonly datanet: (id: c.U64Like) => Promise<Datanet>;
    /** Datanets in id order, filtered by domain and/or tag when given. */
    readonly datanets: (
      filter?: { domain?: string; tag?: string },
      pagination?: PageInput,
    ) => Promise<q.QueryDatanetsResponse>;
    /** A contribution, with its inline bytes when includeContent. */
    readonly contribution: (
      id: c.U64Like,
      opts?: { includeContent?: boolean },
    ) => Promise<q.QueryContributionResponse>;
    /** Contributions of a datanet in id order; status UNSPECIFIED (default) means all. */
    readonly contributionsByDatanet: (
      datanetId: c.U64Like,
      status?: ContributionStatus,
      pagination?: PageInput,
    ) => Promise<q.QueryContributionsByDatanetResponse>;
    readonly contributionsByContributor: (
      contributor: string,
      pagination?: PageInput,
    ) => Promise<q.QueryContributionsByContributorResponse>;
    /** A version of a datanet; version 0 (default) is the latest. */
    readonly version: (datanetId: c.U64Like, version?: c.U64Like) => Promise<DatanetVersion>;
    /** Counters of an address (zero when it never contributed) and its reputation in basis points. */
    readonly contributorStats: (contributor: string) => Promise<q.QueryContributorStatsResponse>;
    readonly params: () => Promise<Params>;
  };
}

export function setupDatanetsExtension(base: QueryClient): DatanetsExtension {
  const call = <Req, Res>(
    method: string,
    req: { encode(m: Req): { finish(): Uint8Array } },
    res: { decode(b: Uint8Array): Res },
  ) => unary(base, DATANETS_QUERY_SERVICE, method, req, res);
  const datanet = call("Datanet", q.QueryDatanetRequest, q.QueryDatanetResponse);
  const datanets = call("Datanets", q.QueryDatanetsRequest, q.QueryDatanetsResponse);
  const contribution = call("Contribution", q.QueryContributionRequest, q.QueryContributionResponse);
  const byDatanet = call(
    "ContributionsByDatanet",
    q.QueryContributionsByDatanetRequest,
    q.QueryContributionsByDatanetResponse,
  );
  const byContributor = call(
    "ContributionsByContributor",
    q.QueryContributionsByContributorRequest,
    q.QueryContributionsByContributorResponse,
  );
  const version = call("DatanetVersion", q.QueryDatanetVersionRequest, q.QueryDatanetVersionResponse);
  const stats = call("ContributorStats", q.QueryContributorStatsRequest, q.QueryContributorStatsResponse);
  const params = call("Params", q.QueryParamsRequest, q.QueryParamsResponse);
  return {
    datanets: {
      datanet: async (id) => present((await datanet({ id: c.u64("id", id) })).datanet, "datanet"),
      datanets: async (filter = {}, pagination) =>
        datanets({
          domain: filter.domain ?? "",
          tag: filter.tag ?? "",
          pagination: datanetsPage(pagination),
        }),
      contribution: async (id, opts = {}) =>
        contribution({ id: c.u64("id", id), includeContent: opts.includeContent ?? false }),
      contributionsByDatanet: async (datanetId, status = 0, pagination) =>
        byDatanet({ datanetId: c.u64("datanetId", datanetId), status, pagination: datanetsPage(pagination) }),
      contributionsByContributor: async (contributor, pagination) =>
        byContributor({
          contributor: c.address("contributor", contributor),
          pagination: datanetsPage(pagination),
        }),
      version: async (datanetId, v = 0) =>
        present(
          (await version({ datanetId: c.u64("datanetId", datanetId), version: c.u64("version", v) })).version,
          "version",
        ),
      contributorStats: async (contributor) => stats({ contributor: c.address("contributor", contributor) }),
      params: async () => present((await params({})).params, "params"),
    },
  };
}
