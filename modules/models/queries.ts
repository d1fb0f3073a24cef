// models gRPC query routes, served through abci_query at /openledger.models.v1.Query/<Name>.
import { parseAddress } from "../../node/app/address.js";
import type { QueryRoute } from "../../node/app/module.js";
import {
  QueryAdapterRequest,
  QueryAdapterResponse,
  QueryAdaptersOfModelRequest,
  QueryAdaptersOfModelResponse,
  QueryModelRequest,
  QueryModelResponse,
  QueryModelsRequest,
  QueryModelsResponse,
  QueryParamsResponse,
} from "../../proto/gen/openledger/models/v1/query.js";
import { decode } from "../auth/queries.js";
import { ModelsCode, modelsError } from "./errors.js";
import type { ModelsKeeper } from "./keeper.js";

export const QUERY_PREFIX = "/openledger.models.v1.Query/";

export function modelsQueries(keeper: ModelsKeeper): QueryRoute[] {
  return [
    {
      path: `${QUERY_PREFIX}Model`,
      handle(ctx, data) {
        const req = decode(() => QueryModelRequest.decode(data));
        const model = keeper.getModel(ctx, req.modelId);
        if (!model) throw modelsError(ModelsCode.ModelNotFound, `model ${req.modelId} does not exist`);
        return QueryModelResponse.encode({ model }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}Models`,
      handle(ctx, data) {
        const req = decode(() => QueryModelsRequest.decode(data));
        const filter = {
          owner: req.owner === "" ? undefined : parseAddress(req.owner, "owner"),
          datanetId: req.datanetId,
        };
        const { key, limit } = req.pagination ?? { key: new Uint8Array(0), limit: 0n };
        const { items, nextKey } = keeper.modelsPage(ctx, filter, key, limit);
        return QueryModelsResponse.encode({ models: items, pagination: { nextKey } }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}Adapter`,
      handle(ctx, data) {
        const req = decode(() => QueryAdapterRequest.decode(data));
        const adapter = keeper.getAdapter(ctx, req.adapterId);
        if (!adapter)
          throw modelsError(ModelsCode.AdapterNotFound, `adapter ${req.adapterId} does not exist`);
        return QueryAdapterResponse.encode({ adapter }).finish();
      },
    },
    {
      path: `${QUERY_PREFIX}AdaptersOfModel`,
      handle(ctx, data) {
        const req = decode(() => QueryAdaptersOfModelRequest.decode(data));
        if (!keeper.getModel(ctx, req.modelId))
          throw modelsError(ModelsCode.ModelNotFound, `model ${req.modelId} does not exist`);
        const { key, limit } = req.pagination ?? { key: new Uint8Array(0), limit: 0n };
        const { items, nextKey } = keeper.adaptersOfModelPage(ctx, req.modelId, key, limit);
        return QueryAdaptersOfModelResponse.encode({ adapters: items, pagination: { nextKey } }).finish();
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
