// What the content store needs to know of datanets state, read through the app's query seam
// (abci query paths /openledger.datanets.v1.Query/…) so that node/content never reaches into
// modules: which contributions declare a content hash, and the approved contributions to hold.

import {
  QueryContributionRequest,
  QueryContributionResponse,
  QueryContributionsByContentHashRequest,
  QueryContributionsByContentHashResponse,
  QueryContributionsByDatanetRequest,
  QueryContributionsByDatanetResponse,
  QueryDatanetsRequest,
  QueryDatanetsResponse,
} from "../../proto/gen/openledger/datanets/v1/query.js";
import {
  type Contribution,
  ContributionStatus,
  type PageResponse,
} from "../../proto/gen/openledger/datanets/v1/types.js";
import type { Application } from "../app/application.js";

const PREFIX = "/openledger.datanets.v1.Query/";
const PAGE = 1000n;
const DATANETS_CODESPACE = "datanets";
const CONTRIBUTION_NOT_FOUND = 4;

export class DatanetsQueryError extends Error {}

interface Codec<T> {
  encode(m: T): { finish(): Uint8Array };
}

export class DatanetsView {
  constructor(private readonly app: Pick<Application, "query">) {}

  private query<Req, Res>(
    name: string,
    req: Codec<Req>,
    value: Req,
    res: { decode(b: Uint8Array): Res },
  ): Res {
    const r = this.app.query({ path: PREFIX + name, data: req.encode(value).finish(), prove: false });
    if (r.code !== 0) {
      const err = new DatanetsQueryError(`query ${name} failed: ${r.codespace} ${r.code} ${r.log}`);
      throw Object.assign(err, { code: r.code, codespace: r.codespace });
    }
    return res.decode(r.value);
  }

  /** A contribution (with its inline bytes when asked), or undefined when there is none. */
  contribution(id: bigint, includeContent = false): QueryContributionResponse | undefined {
    try {
      return this.query(
        "Contribution",
        QueryContributionRequest,
        { id, includeContent },
        QueryContributionResponse,
      );
    } catch (err) {
      const e = err as { code?: number; codespace?: string };
      if (e.codespace === DATANETS_CODESPACE && e.code === CONTRIBUTION_NOT_FOUND) return undefined;
      throw err;
    }
  }

  /** Every contribution, in any datanet and status, that declares this content sha256. */
  byContentHash(contentHash: Uint8Array): Contribution[] {
    return collect((key) => {
      const r = this.query(
        "ContributionsByContentHash",
        QueryContributionsByContentHashRequest,
        { contentHash, pagination: page(key) },
        QueryContributionsByContentHashResponse,
      );
      return { items: r.contributions, pagination: r.pagination };
    });
  }

  /** Every APPROVED contribution, datanet by datanet, in id order. */
  *approved(): Generator<Contribution> {
    let key: Uint8Array = new Uint8Array(0);
    do {
      const r = this.query(
        "Datanets",
        QueryDatanetsRequest,
        { pagination: page(key), domain: "", tag: "" },
        QueryDatanetsResponse,
      );
      for (const d of r.datanets) {
        yield* collect((k) => {
          const c = this.query(
            "ContributionsByDatanet",
            QueryContributionsByDatanetRequest,
            { datanetId: d.id, status: ContributionStatus.CONTRIBUTION_STATUS_APPROVED, pagination: page(k) },
            QueryContributionsByDatanetResponse,
          );
          return { items: c.contributions, pagination: c.pagination };
        });
      }
      key = r.pagination?.nextKey ?? new Uint8Array(0);
    } while (key.length > 0);
  }
}

/** Contributions whose content the node takes from a push: those still PENDING or APPROVED. */
export function wantsContent(c: Contribution): boolean {
  return (
    c.status === ContributionStatus.CONTRIBUTION_STATUS_PENDING ||
    c.status === ContributionStatus.CONTRIBUTION_STATUS_APPROVED
  );
}

function page(key: Uint8Array) {
  return { key, offset: 0n, limit: PAGE, countTotal: false, reverse: false };
}

function collect<T>(fetch: (key: Uint8Array) => { items: T[]; pagination?: PageResponse }): T[] {
  const out: T[] = [];
  let key: Uint8Array = new Uint8Array(0);
  do {
    const r = fetch(key);
    out.push(...r.items);
    key = r.pagination?.nextKey ?? new Uint8Array(0);
  } while (key.length > 0);
  return out;
}
