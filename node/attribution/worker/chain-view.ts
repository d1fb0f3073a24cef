// What the attribution worker reads from the chain, through the Application's query seam (the same
// gRPC-style paths a client uses): pending jobs, a job's submissions, datanet versions and
// contribution contents, and the operator's account.
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import {
  QueryAttributionRequest,
  QueryAttributionResponse,
  QueryJobRequest,
  QueryJobResponse,
  QueryPendingJobsRequest,
  QueryPendingJobsResponse,
} from "../../../proto/gen/openledger/attribution/v1/query.js";
import type { Job, Submission } from "../../../proto/gen/openledger/attribution/v1/types.js";
import {
  QueryContributionRequest,
  QueryContributionResponse,
  QueryDatanetVersionRequest,
  QueryDatanetVersionResponse,
} from "../../../proto/gen/openledger/datanets/v1/query.js";
import type { Contribution, DatanetVersion } from "../../../proto/gen/openledger/datanets/v1/types.js";
import {
  QueryAdapterRequest,
  QueryAdapterResponse,
  QueryModelRequest,
  QueryModelResponse,
} from "../../../proto/gen/openledger/models/v1/query.js";
import type { Adapter, Model } from "../../../proto/gen/openledger/models/v1/types.js";
import type { Application } from "../../app/application.js";

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

export class ChainView {
  constructor(private readonly app: Application) {}

  private ask<Req, Res>(path: string, req: Req, reqCodec: Codec<Req>, resCodec: Codec<Res>): Res | undefined {
    const res = this.app.query({ path, data: reqCodec.encode(req).finish(), prove: false });
    if (res.code === 22 || (res.code !== 0 && /not found/.test(res.log))) return undefined;
    if (res.code !== 0) throw new Error(`query ${path} failed: code ${res.code}: ${res.log}`);
    return resCodec.decode(res.value);
  }

  /** The first `limit` pending jobs, oldest first. */
  pendingJobs(limit = 100n): Job[] {
    const res = this.ask(
      "/openledger.attribution.v1.Query/PendingJobs",
      { pagination: { key: new Uint8Array(0), limit } },
      QueryPendingJobsRequest,
      QueryPendingJobsResponse,
    );
    return res?.jobs ?? [];
  }

  job(jobId: bigint): Job | undefined {
    return this.ask("/openledger.attribution.v1.Query/Job", { jobId }, QueryJobRequest, QueryJobResponse)
      ?.job;
  }

  submissions(jobId: bigint): Submission[] {
    const res = this.ask(
      "/openledger.attribution.v1.Query/Attribution",
      { jobId },
      QueryAttributionRequest,
      QueryAttributionResponse,
    );
    return res?.submissions ?? [];
  }

  datanetVersion(datanetId: bigint, version: bigint): DatanetVersion | undefined {
    return this.ask(
      "/openledger.datanets.v1.Query/DatanetVersion",
      { datanetId, version },
      QueryDatanetVersionRequest,
      QueryDatanetVersionResponse,
    )?.version;
  }

  contribution(id: bigint): { contribution: Contribution; inline: Uint8Array } | undefined {
    const res = this.ask(
      "/openledger.datanets.v1.Query/Contribution",
      { id, includeContent: true },
      QueryContributionRequest,
      QueryContributionResponse,
    );
    return res?.contribution && { contribution: res.contribution, inline: res.inlineContent };
  }

  model(id: bigint): Model | undefined {
    return this.ask(
      "/openledger.models.v1.Query/Model",
      { modelId: id },
      QueryModelRequest,
      QueryModelResponse,
    )?.model;
  }

  adapter(id: bigint): Adapter | undefined {
    return this.ask(
      "/openledger.models.v1.Query/Adapter",
      { adapterId: id },
      QueryAdapterRequest,
      QueryAdapterResponse,
    )?.adapter;
  }

  /** Account number and committed sequence of an address (undefined before its first tx in). */
  account(address: string): { accountNumber: bigint; sequence: bigint } | undefined {
    const res = this.ask(
      "/cosmos.auth.v1beta1.Query/Account",
      { address },
      QueryAccountRequest,
      QueryAccountResponse,
    );
    if (res?.account === undefined) return undefined;
    const acc = BaseAccount.decode(res.account.value);
    return { accountNumber: acc.accountNumber, sequence: acc.sequence };
  }
}
