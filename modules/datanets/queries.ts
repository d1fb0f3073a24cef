// datanets query routes, served through abci_query at "/openledger.datanets.v1.Query/<Name>".
// Lists page as the SDK's query.Paginate does with key + limit: next_key is the key suffix (an
// 8-byte id) where the next page starts; empty when there is none.
import { parseAddress } from "../../node/app/address.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import type { QueryRoute } from "../../node/app/module.js";
import { concatBytes } from "../../node/crypto/merkle.js";
import { type KVStore, prefixEnd } from "../../node/store/kv.js";
import {
  QueryContributionRequest,
  QueryContributionResponse,
  QueryContributionsByContentHashRequest,
  QueryContributionsByContentHashResponse,
  QueryContributionsByContributorRequest,
  QueryContributionsByContributorResponse,
  QueryContributionsByDatanetRequest,
  QueryContributionsByDatanetResponse,
  QueryContributorStatsRequest,
  QueryContributorStatsResponse,
  QueryDatanetRequest,
  QueryDatanetResponse,
  QueryDatanetsRequest,
  QueryDatanetsResponse,
  QueryDatanetVersionRequest,
  QueryDatanetVersionResponse,
  QueryParamsResponse,
} from "../../proto/gen/openledger/datanets/v1/query.js";
import {
  type Contribution,
  ContributionStatus,
  type Datanet,
  type PageRequest,
  type PageResponse,
} from "../../proto/gen/openledger/datanets/v1/types.js";
import { decode } from "../auth/queries.js";
import { DatanetsCode, datanetsError } from "./errors.js";
import { type DatanetsKeeper, reputationBps } from "./keeper.js";
import * as keys from "./keys.js";
import { checkDomain, checkTags } from "./validate.js";

export const QUERY_PREFIX = "/openledger.datanets.v1.Query/";
export const DEFAULT_PAGE_LIMIT = 100n;
export const MAX_PAGE_LIMIT = 1000n;

interface Page {
  key: Uint8Array;
  limit: number;
}

function page(p: PageRequest | undefined): Page {
  if (!p) return { key: new Uint8Array(0), limit: Number(DEFAULT_PAGE_LIMIT) };
  if (p.offset !== 0n || p.countTotal || p.reverse)
    throw sdkError(
      SdkCode.InvalidRequest,
      "pagination: only key and limit are served (no offset, count_total, reverse)",
    );
  if (p.limit > MAX_PAGE_LIMIT)
    throw sdkError(SdkCode.InvalidRequest, `pagination.limit ${p.limit} is over ${MAX_PAGE_LIMIT}`);
  return { key: p.key, limit: Number(p.limit === 0n ? DEFAULT_PAGE_LIMIT : p.limit) };
}

/** Entries under prefix from page.key on; `pick` maps an entry (key suffix, value) or skips it. */
function paginate<T>(
  store: KVStore,
  prefix: Uint8Array,
  p: Page,
  pick: (suffix: Uint8Array, value: Uint8Array) => T | undefined,
): { items: T[]; pagination: PageResponse } {
  const items: T[] = [];
  let nextKey = new Uint8Array(0);
  for (const [k, v] of store.iterator(concatBytes(prefix, p.key), prefixEnd(prefix))) {
    const suffix = k.subarray(prefix.length);
    const item = pick(suffix, v);
    if (item === undefined) continue;
    if (items.length === p.limit) {
      nextKey = Uint8Array.from(suffix);
      break;
    }
    items.push(item);
  }
  return { items, pagination: { nextKey, total: 0n } };
}

export function datanetsQueries(keeper: DatanetsKeeper): QueryRoute[] {
  const datanetOr404 = (ctx: Parameters<QueryRoute["handle"]>[0], id: bigint): Datanet => {
    const d = keeper.getDatanet(ctx, id);
    if (!d) throw datanetsError(DatanetsCode.DatanetNotFound, `datanet ${id}`);
    return d;
  };
  const contributionAt = (ctx: Parameters<QueryRoute["handle"]>[0]) => (suffix: Uint8Array) =>
    keeper.getContribution(ctx, keys.readU64be(suffix)) as Contribution;

  return [
    {
      path: `${QUERY_PREFIX}Datanet`,
      handle(ctx, data) {
        const req = decode(() => QueryDatanetRequest.decode(data));
        return QueryDatanetResponse.encode({ datanet: datanetOr404(ctx, req.id) }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}Datanets`,
      handle(ctx, data) {
        const req = decode(() => QueryDatanetsRequest.decode(data));
        if (req.domain !== "") checkDomain(req.domain);
        if (req.tag !== "") checkTags([req.tag]);
        const prefix =
          req.tag !== ""
            ? keys.tagPrefix(req.tag)
            : req.domain !== ""
              ? keys.domainPrefix(req.domain)
              : keys.DATANET_PREFIX;
        const { items, pagination } = paginate(keeper.store(ctx), prefix, page(req.pagination), (suffix) => {
          const d = keeper.getDatanet(ctx, keys.readU64be(suffix));
          return d && (req.domain === "" || d.domain === req.domain) ? d : undefined;
        });
        return QueryDatanetsResponse.encode({ datanets: items, pagination }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}Contribution`,
      handle(ctx, data) {
        const req = decode(() => QueryContributionRequest.decode(data));
        const contribution = keeper.getContribution(ctx, req.id);
        if (!contribution) throw datanetsError(DatanetsCode.ContributionNotFound, `contribution ${req.id}`);
        const inlineContent = req.includeContent
          ? (keeper.getInlineContent(ctx, req.id) ?? new Uint8Array(0))
          : new Uint8Array(0);
        return QueryContributionResponse.encode({ contribution, inlineContent }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}ContributionsByDatanet`,
      handle(ctx, data) {
        const req = decode(() => QueryContributionsByDatanetRequest.decode(data));
        datanetOr404(ctx, req.datanetId);
        const all = req.status === ContributionStatus.CONTRIBUTION_STATUS_UNSPECIFIED;
        if (!all && !(req.status >= 1 && req.status <= 5))
          throw sdkError(SdkCode.InvalidRequest, `unknown contribution status ${req.status}`);
        const prefix = all
          ? keys.byDatanetPrefix(req.datanetId)
          : keys.byStatusPrefix(req.datanetId, req.status);
        const { items, pagination } = paginate(
          keeper.store(ctx),
          prefix,
          page(req.pagination),
          contributionAt(ctx),
        );
        return QueryContributionsByDatanetResponse.encode({ contributions: items, pagination }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}ContributionsByContributor`,
      handle(ctx, data) {
        const req = decode(() => QueryContributionsByContributorRequest.decode(data));
        const prefix = keys.byContributorPrefix(parseAddress(req.contributor, "contributor"));
        const { items, pagination } = paginate(
          keeper.store(ctx),
          prefix,
          page(req.pagination),
          contributionAt(ctx),
        );
        return QueryContributionsByContributorResponse.encode({ contributions: items, pagination }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}ContributionsByContentHash`,
      handle(ctx, data) {
        const req = decode(() => QueryContributionsByContentHashRequest.decode(data));
        if (req.contentHash.length !== 32)
          throw sdkError(
            SdkCode.InvalidRequest,
            `content_hash is ${req.contentHash.length} bytes, expected 32`,
          );
        const { items, pagination } = paginate(
          keeper.store(ctx),
          keys.byContentPrefix(req.contentHash),
          page(req.pagination),
          contributionAt(ctx),
        );
        return QueryContributionsByContentHashResponse.encode({ contributions: items, pagination }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}DatanetVersion`,
      handle(ctx, data) {
        const req = decode(() => QueryDatanetVersionRequest.decode(data));
        const d = datanetOr404(ctx, req.datanetId);
        const wanted = req.version === 0n ? d.latestVersion : req.version;
        const version = wanted === 0n ? undefined : keeper.getVersion(ctx, d.id, wanted);
        if (!version) {
          throw datanetsError(
            DatanetsCode.VersionNotFound,
            req.version === 0n
              ? `datanet ${d.id} has no version yet`
              : `datanet ${d.id} version ${req.version}`,
          );
        }
        return QueryDatanetVersionResponse.encode({ version }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}ContributorStats`,
      handle(ctx, data) {
        const req = decode(() => QueryContributorStatsRequest.decode(data));
        parseAddress(req.contributor, "contributor");
        const stats = keeper.getStats(ctx, req.contributor);
        return QueryContributorStatsResponse.encode({ stats, reputationBps: reputationBps(stats) }).finish();
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
