// The models QueryClient extension, in the style of cosmjs's setupBankExtension:
// QueryClient.withExtensions(cometClient, setupModelsExtension).models.model(1n).
import type { QueryClient } from "@cosmjs/stargate";
import * as q from "../proto/gen/openledger/models/v1/query.js";
import type { Adapter, Model, Params } from "../proto/gen/openledger/models/v1/types.js";
import { type PageInput, present, unary } from "./abci.js";
import * as c from "./checks.js";

export const MODELS_QUERY_SERVICE = "openledger.models.v1.Query";

export function modelsPage(p: PageInput | undefined): q.PageRequest {
  return {
    key: p?.key ?? new Uint8Array(0),
    limit: p?.limit === undefined ? 0n : c.u64("pagination.limit", p.limit),
  };
}

export interface ModelsExtension {
  readonly models: {
    /** A model by id; rejects with code 11 when there is none. */
    readonly model: (id: c.U64Like) => Promise<Model>;
    /** Models in id order: all, or those of an owner and/or trained on a datanet (any version). */
    readonly models: (
      filter?: { owner?: string; datanetId?: c.U64Like },
      pagination?: PageInput,
    ) => Promise<q.QueryModelsResponse>;
    /** An adapter by id; rejects with code 12 when there is none. */
    readonly adapter: (id: c.U64Like) => Promise<Adapter>;
    /** Adapters of a model in id order, deprecated ones included. */
    readonly adaptersOfModel: (
      modelId: c.U64Like,
      pagination?: PageInput,
    ) => Promise<q.QueryAdaptersOfModelResponse>;
    readonly params: () => Promise<Params>;
  };
}

export function setupModelsExtension(base: QueryClient): ModelsExtension {
  const call = <Req, Res>(
    method: string,
    req: { encode(m: Req): { finish(): Uint8Array } },
    res: { decode(b: Uint8Array): Res },
  ) => unary(base, MODELS_QUERY_SERVICE, method, req, res);
  const model = call("Model", q.QueryModelRequest, q.QueryModelResponse);
  const models = call("Models", q.QueryModelsRequest, q.QueryModelsResponse);
  const adapter = call("Adapter", q.QueryAdapterRequest, q.QueryAdapterResponse);
  const adapters = call("AdaptersOfModel", q.QueryAdaptersOfModelRequest, q.QueryAdaptersOfModelResponse);
  const params = call("Params", q.QueryParamsRequest, q.QueryParamsResponse);
  return {
    models: {
      model: async (id) => present((await model({ modelId: c.u64("id", id) })).model, "model"),
      models: async (filter = {}, pagination) =>
        models({
          owner: filter.owner === undefined ? "" : c.address("owner", filter.owner),
          datanetId: filter.datanetId === undefined ? undefined : c.u64("datanetId", filter.datanetId),
          pagination: modelsPage(pagination),
        }),
      adapter: async (id) => present((await adapter({ adapterId: c.u64("id", id) })).adapter, "adapter"),
      adaptersOfModel: async (modelId, pagination) =>
        adapters({ modelId: c.u64("modelId", modelId), pagination: modelsPage(pagination) }),
      params: async () => present((await params({})).params, "params"),
    },
  };
}
