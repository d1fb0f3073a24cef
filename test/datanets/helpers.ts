// Datanets test helpers over test/app/helpers.ts: the module's message types registered in the
// shared cosmjs Registry, a harness that signs txs with the dev wallets (tracking sequences) and
// runs them in blocks, and typed query helpers.
import assert from "node:assert/strict";
import type { EncodeObject, GeneratedType } from "@cosmjs/proto-signing";
import { sha256 } from "@noble/hashes/sha2.js";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { formatAddress, moduleAddress } from "../../node/app/address.js";
import * as Q from "../../proto/gen/openledger/datanets/v1/query.js";
import * as T from "../../proto/gen/openledger/datanets/v1/tx.js";
import {
  ContributionStatus,
  DataType,
  ReviewDecision,
} from "../../proto/gen/openledger/datanets/v1/types.js";
import {
  balance,
  buildTx,
  DEFAULT_GAS,
  type DevName,
  devAppState,
  genesisApp,
  minFee,
  queryOk,
  registry,
  runBlock,
  type Signer,
  sequenceOf,
  signer,
  type TestApp,
} from "../app/helpers.js";

export const URL = {
  create: "/openledger.datanets.v1.MsgCreateDatanet",
  update: "/openledger.datanets.v1.MsgUpdateDatanet",
  contribute: "/openledger.datanets.v1.MsgContribute",
  review: "/openledger.datanets.v1.MsgReviewContribution",
  withdraw: "/openledger.datanets.v1.MsgWithdrawContribution",
  flag: "/openledger.datanets.v1.MsgFlagContribution",
} as const;

export const MSG_TYPES: [string, GeneratedType][] = [
  [URL.create, T.MsgCreateDatanet as unknown as GeneratedType],
  [URL.update, T.MsgUpdateDatanet as unknown as GeneratedType],
  [URL.contribute, T.MsgContribute as unknown as GeneratedType],
  [URL.review, T.MsgReviewContribution as unknown as GeneratedType],
  [URL.withdraw, T.MsgWithdrawContribution as unknown as GeneratedType],
  [URL.flag, T.MsgFlagContribution as unknown as GeneratedType],
];
for (const [url, type] of MSG_TYPES) registry.register(url, type);

export const ESCROW = formatAddress(moduleAddress("datanets"));
export const FEE = BigInt(minFee(DEFAULT_GAS)[0]!.amount);
/** runBlock's default base time: block h is at BASE + h seconds. */
export const BASE_TIME_NS = 1_700_000_000_000_000_000n;
export const DAY_NS = 86_400_000_000_000n;
export const { CONTRIBUTION_STATUS_PENDING: PENDING, CONTRIBUTION_STATUS_APPROVED: APPROVED } =
  ContributionStatus;
export const { CONTRIBUTION_STATUS_REJECTED: REJECTED, CONTRIBUTION_STATUS_WITHDRAWN: WITHDRAWN } =
  ContributionStatus;
export const FLAGGED = ContributionStatus.CONTRIBUTION_STATUS_FLAGGED;
export const { REVIEW_DECISION_APPROVE: APPROVE, REVIEW_DECISION_REJECT: REJECT } = ReviewDecision;

const utf8 = new TextEncoder();
export const text = (s: string) => utf8.encode(s);
export const sha = (s: string | Uint8Array) => sha256(typeof s === "string" ? utf8.encode(s) : s);
export const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Small caps so that tests reach them cheaply. */
export const TEST_PARAMS = {
  bond_denom: "uopen",
  max_inline_bytes: "2048",
  max_content_bytes: "100000",
  contributor_daily_bytes: "150000",
  contributor_daily_files: "5",
  datanet_daily_bytes: "200000",
  datanet_daily_files: "8",
};

export function appState(datanets: unknown = { params: TEST_PARAMS }): Record<string, unknown> {
  return { ...devAppState(), datanets };
}

// ---- messages

export function create(owner: string, o: Partial<T.MsgCreateDatanet> = {}): EncodeObject {
  const value: T.MsgCreateDatanet = {
    owner,
    name: "Clinical notes",
    summary: "De-identified clinical notes",
    description: "Free-text notes.\nOne per contribution.",
    tags: ["clinical", "notes"],
    domain: "healthcare",
    dataType: DataType.DATA_TYPE_TEXT,
    permissioned: false,
    needsApproval: true,
    contributionBond: "1000",
    curators: [],
    allowedContributors: [],
    ...o,
  };
  return { typeUrl: URL.create, value };
}

export function contribute(
  contributor: string,
  datanetId: bigint,
  o: Partial<T.MsgContribute> = {},
): EncodeObject {
  const value: T.MsgContribute = {
    contributor,
    datanetId,
    inlineContent: new Uint8Array(0),
    contentHash: new Uint8Array(0),
    size: 0n,
    mediaType: "",
    license: "CC-BY-4.0",
    metadata: "",
    ...o,
  };
  return { typeUrl: URL.contribute, value };
}

export const contributeText = (
  contributor: string,
  datanetId: bigint,
  s: string,
  o: Partial<T.MsgContribute> = {},
) => contribute(contributor, datanetId, { inlineContent: text(s), ...o });

export function review(
  curator: string,
  contributionId: bigint,
  decision: ReviewDecision,
  score = 80,
  reason = "",
) {
  return { typeUrl: URL.review, value: { curator, contributionId, decision, score, reason } };
}

export const withdraw = (contributor: string, contributionId: bigint) => ({
  typeUrl: URL.withdraw,
  value: { contributor, contributionId },
});

export const flag = (curator: string, contributionId: bigint, reason = "harmful") => ({
  typeUrl: URL.flag,
  value: { curator, contributionId, reason },
});

export function update(signer: string, datanetId: bigint, o: Partial<T.MsgUpdateDatanet>): EncodeObject {
  const value: T.MsgUpdateDatanet = {
    signer,
    datanetId,
    fields: [],
    summary: "",
    description: "",
    tags: [],
    curators: [],
    allowedContributors: [],
    ...o,
  };
  return { typeUrl: URL.update, value };
}

// ---- the harness

export interface Tx {
  by: Signer;
  msgs: EncodeObject[];
  gas?: number;
}

export class Harness {
  /** The time base passed to runBlock (block h is at base + h seconds). */
  timeBase = BASE_TIME_NS;

  private constructor(
    readonly t: TestApp,
    readonly s: Record<DevName, Signer>,
  ) {}

  static async start(state: Record<string, unknown> = appState()): Promise<Harness> {
    const names: DevName[] = ["alice", "bob", "carol", "dave", "eve"];
    const signers = await Promise.all(names.map((n) => signer(n)));
    const s = Object.fromEntries(names.map((n, i) => [n, signers[i]!])) as Record<DevName, Signer>;
    return new Harness(await genesisApp(state), s);
  }

  get app() {
    return this.t.app;
  }

  /**
   * Signs and runs txs in one block. Sequences come from the chain, counting up for a signer's
   * later txs in the block (a tx refused before the ante handler takes no sequence, so each block
   * starts again from the state).
   */
  async block(txs: Tx[]) {
    const next = new Map<string, bigint>();
    const built = [];
    for (const tx of txs) {
      const sequence = next.get(tx.by.address) ?? sequenceOf(this.app, tx.by.address);
      next.set(tx.by.address, sequence + 1n);
      built.push((await buildTx(tx.by, { msgs: tx.msgs, sequence, gas: tx.gas })).bytes);
    }
    return runBlock(this.app, built, this.timeBase);
  }

  /** A tx signed with the signer's current sequence (for running on two apps). */
  sign(by: Signer, msgs: EncodeObject[]) {
    return buildTx(by, { msgs, sequence: sequenceOf(this.app, by.address) });
  }

  /** One tx in its own block. */
  async run(by: Signer, ...msgs: EncodeObject[]): Promise<ExecTxResult> {
    const { txResults } = await this.block([{ by, msgs }]);
    return txResults[0]!;
  }

  async ok(by: Signer, ...msgs: EncodeObject[]): Promise<ExecTxResult> {
    const r = await this.run(by, ...msgs);
    assert.equal(r.code, 0, `tx failed: ${r.codespace} ${r.code} ${r.log}`);
    return r;
  }

  balance(address: string): bigint {
    return balance(this.app, address);
  }

  /** The datanets part of the exported genesis (the whole module state). */
  state(): unknown {
    return this.app.exportGenesis().datanets;
  }

  query<Req, Res>(
    name: string,
    req: { encode(m: Req): { finish(): Uint8Array } },
    value: Req,
    res: { decode(b: Uint8Array): Res },
  ): Res {
    return res.decode(queryOk(this.app, `/openledger.datanets.v1.Query/${name}`, req.encode(value).finish()));
  }

  queryRaw(name: string, data: Uint8Array) {
    return this.app.query({ path: `/openledger.datanets.v1.Query/${name}`, data, prove: false });
  }

  datanet(id: bigint) {
    return this.query("Datanet", Q.QueryDatanetRequest, { id }, Q.QueryDatanetResponse).datanet!;
  }

  contribution(id: bigint, includeContent = false) {
    return this.query(
      "Contribution",
      Q.QueryContributionRequest,
      { id, includeContent },
      Q.QueryContributionResponse,
    );
  }

  version(datanetId: bigint, version = 0n) {
    return this.query(
      "DatanetVersion",
      Q.QueryDatanetVersionRequest,
      { datanetId, version },
      Q.QueryDatanetVersionResponse,
    ).version!;
  }

  byDatanet(datanetId: bigint, status = 0, pagination?: { key: Uint8Array; limit: bigint }) {
    return this.query(
      "ContributionsByDatanet",
      Q.QueryContributionsByDatanetRequest,
      {
        datanetId,
        status,
        pagination: pagination && { ...pagination, offset: 0n, countTotal: false, reverse: false },
      },
      Q.QueryContributionsByDatanetResponse,
    );
  }

  byDatanetRaw(datanetId: bigint, status: number) {
    return this.queryRaw(
      "ContributionsByDatanet",
      Q.QueryContributionsByDatanetRequest.encode({ datanetId, status, pagination: undefined }).finish(),
    );
  }

  stats(contributor: string) {
    return this.query(
      "ContributorStats",
      Q.QueryContributorStatsRequest,
      { contributor },
      Q.QueryContributorStatsResponse,
    );
  }

  async close() {
    await this.t.close();
  }
}

/** The id a MsgCreateDatanet or MsgContribute response carries. */
export function responseId(r: ExecTxResult, kind: "datanet" | "contribution"): bigint {
  const any = TxMsgData.decode(r.data).msgResponses[0]!;
  return kind === "datanet"
    ? T.MsgCreateDatanetResponse.decode(any.value).datanetId
    : T.MsgContributeResponse.decode(any.value).contributionId;
}

export function assertRefused(r: ExecTxResult, codespace: string, code: number, log: RegExp): void {
  assert.equal(r.codespace, codespace, `codespace (log: ${r.log})`);
  assert.equal(r.code, code, `code (log: ${r.log})`);
  assert.match(r.log, log);
}
