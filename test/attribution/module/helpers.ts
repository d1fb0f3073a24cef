// Attribution test harness: a chain with the four test validators of msgs.ts, a datanet with four
// approved contributions (version 1), a model and an adapter trained on it; blocks of signed txs;
// typed queries.
import assert from "node:assert/strict";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { QueryClient, setupStakingExtension } from "@cosmjs/stargate";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import {
  msgContribute,
  msgCreateDatanet,
  msgRegisterAdapter,
  msgRegisterModel,
  type RecordInferenceInput,
} from "../../../client/index.js";
import { QUERY_PREFIX } from "../../../modules/attribution/index.js";
import { formatAddress, moduleAddress } from "../../../node/app/address.js";
import type { FinalizeBlockResult } from "../../../node/app/application.js";
import type { GenesisDocJson } from "../../../node/genesis/genesis-doc.js";
import { setGenesisValidators } from "../../../node/genesis/genesis-validators.js";
import * as Q from "../../../proto/gen/openledger/attribution/v1/query.js";
import type { Job } from "../../../proto/gen/openledger/attribution/v1/types.js";
import * as DQ from "../../../proto/gen/openledger/datanets/v1/query.js";
import {
  appComet,
  balance,
  CHAIN_ID,
  DEFAULT_GAS,
  type DevName,
  devAddress,
  devAppState,
  minFee,
  newApp,
  queryOk,
  runBlock,
  type Signer,
  sequenceOf,
  signer,
  type TestApp,
} from "../../app/helpers.js";
import { recordMsg, sha, signTx, VALIDATORS } from "./msgs.js";

export const FEE = BigInt(minFee(DEFAULT_GAS)[0]!.amount);
export const BASE_TIME_NS = 1_700_000_000_000_000_000n;
export const ESCROW = formatAddress(moduleAddress("attribution"));
export const TREASURY = formatAddress(moduleAddress("attribution_treasury"));
export const WINDOW = 6n;

export * from "./msgs.js";

/** The dev app_state with the four validators; attribution params overridden by `params`. */
export function attributionGenesis(params: Record<string, unknown> = {}) {
  const doc = {
    genesis_time: "2023-11-14T22:13:20Z",
    validators: [],
    app_state: {
      ...devAppState(),
      datanets: { params: { bond_denom: "uopen" } },
      attribution: { params: { result_window_blocks: WINDOW.toString(), ...params } },
    },
  } as unknown as GenesisDocJson;
  setGenesisValidators(
    doc,
    VALIDATORS.map((v) => ({
      pubKey: v.key.pubKey,
      power: v.power,
      name: v.name,
      operator: devAddress(v.name),
    })),
  );
  return {
    appState: doc.app_state,
    validators: VALIDATORS.map((v) => ({ pubKey: v.key.pubKey, power: v.power })),
  };
}

export interface Tx {
  by: Signer;
  msgs: EncodeObject[];
}

export class Harness {
  private constructor(
    readonly t: TestApp,
    readonly s: Record<DevName, Signer>,
  ) {}

  /** A chain started from `appState` (with VALIDATORS) at `initialHeight`. */
  static async fromGenesis(appState: Record<string, unknown>, initialHeight = 1n): Promise<Harness> {
    const names: DevName[] = ["alice", "bob", "carol", "dave", "eve"];
    const signers = await Promise.all(names.map((n) => signer(n)));
    const s = Object.fromEntries(names.map((n, i) => [n, signers[i]!])) as Record<DevName, Signer>;
    const t = await newApp();
    const validators = VALIDATORS.map((v) => ({ pubKey: v.key.pubKey, power: v.power }));
    try {
      await t.app.initChain({ chainId: CHAIN_ID, timeNs: BASE_TIME_NS, initialHeight, appState, validators });
    } catch (err) {
      await t.close();
      throw err;
    }
    return new Harness(t, s);
  }

  /** Genesis, then the datanet, its contributions (block 1), the model and the adapter (block 2). */
  static async start(params: Record<string, unknown> = {}): Promise<Harness> {
    const h = await Harness.fromGenesis(attributionGenesis(params).appState);
    const s = h.s;
    const contribute = (by: Signer, text: string) => ({
      by,
      msgs: [msgContribute({ contributor: by.address, datanetId: 1, text, license: "CC-BY-4.0" })],
    });
    const create = msgCreateDatanet({
      owner: s.bob.address,
      name: "Radiology notes",
      domain: "medicine",
      needsApproval: false,
    });
    await h.ok([
      { by: s.bob, msgs: [create] },
      contribute(s.carol, "alpha"), // 1
      contribute(s.dave, "beta"), // 2
      contribute(s.dave, "gamma"), // 3
      contribute(s.carol, "delta"), // 4
    ]);
    await h.ok([
      {
        by: s.alice,
        msgs: [
          msgRegisterModel({
            owner: s.alice.address,
            name: "med-llama",
            datanets: ["1:1"],
            sha256: sha("med-llama"),
            size: 1000,
            format: "gguf",
            attributionMethod: "span",
            price: { perCall: 1000, per1kOutputTokens: 50 },
          }),
        ],
      },
      {
        by: s.bob,
        msgs: [
          msgRegisterAdapter({
            owner: s.bob.address,
            baseModelId: 1,
            sha256: sha("radiology-lora"),
            rank: 8,
            targetLayers: ["q_proj"],
            datanets: ["1:1"],
            price: { perCall: 200, per1kOutputTokens: 10 },
          }),
        ],
      },
    ]);
    return h;
  }

  get app() {
    return this.t.app;
  }

  get height(): bigint {
    return this.app.info().lastBlockHeight;
  }

  /** Signs every tx (sequences counted up within the block) and runs them in one block. */
  async block(txs: Tx[]): Promise<FinalizeBlockResult> {
    return runBlock(this.app, await this.sign(txs), BASE_TIME_NS);
  }

  async sign(txs: Tx[]): Promise<Uint8Array[]> {
    const next = new Map<string, bigint>();
    const out: Uint8Array[] = [];
    for (const tx of txs) {
      const sequence = next.get(tx.by.address) ?? sequenceOf(this.app, tx.by.address);
      next.set(tx.by.address, sequence + 1n);
      out.push(await signTx(tx.by, tx.msgs, sequence));
    }
    return out;
  }

  async ok(txs: Tx[]): Promise<FinalizeBlockResult> {
    const res = await this.block(txs);
    for (const r of res.txResults) assert.equal(r.code, 0, `tx failed: ${r.codespace} ${r.code} ${r.log}`);
    return res;
  }

  async run(by: Signer, ...msgs: EncodeObject[]): Promise<ExecTxResult> {
    return (await this.block([{ by, msgs }])).txResults[0]!;
  }

  /** Empty blocks up to and including `height`; returns their results. */
  async until(height: bigint): Promise<FinalizeBlockResult[]> {
    const out = [];
    while (this.height < height) out.push(await this.block([]));
    return out;
  }

  /** Eve records an inference of model 1 (or as `o` says); returns the job id. */
  async record(o: Partial<RecordInferenceInput> = {}): Promise<bigint> {
    const res = await this.ok([{ by: this.s.eve, msgs: [recordMsg(this.s.eve.address, o)] }]);
    const ev = res.txResults[0]!.events.find((e) => e.type === "inference_recorded")!;
    return BigInt(ev.attributes.find((a) => a.key === "job_id")!.value);
  }

  balance(address: string): bigint {
    return balance(this.app, address);
  }

  query<T>(name: string, req: Uint8Array, decode: (b: Uint8Array) => T): T {
    return decode(queryOk(this.app, `${QUERY_PREFIX}${name}`, req));
  }

  job(id: bigint): Job {
    return this.query("Job", Q.QueryJobRequest.encode({ jobId: id }).finish(), Q.QueryJobResponse.decode)
      .job!;
  }

  attribution(id: bigint): Q.QueryAttributionResponse {
    const req = Q.QueryAttributionRequest.encode({ jobId: id }).finish();
    return this.query("Attribution", req, Q.QueryAttributionResponse.decode);
  }

  validatorRecord(operator: string) {
    const req = Q.QueryValidatorRecordRequest.encode({ operator }).finish();
    return this.query("ValidatorRecord", req, Q.QueryValidatorRecordResponse.decode).record!;
  }

  rewardsOf(contributor: string): bigint {
    const req = Q.QueryRewardsByContributorRequest.encode({ contributor }).finish();
    return BigInt(
      this.query("RewardsByContributor", req, Q.QueryRewardsByContributorResponse.decode).rewards!.amount,
    );
  }

  rewardsOfDatanet(datanetId: bigint): bigint {
    const req = Q.QueryRewardsByDatanetRequest.encode({ datanetId }).finish();
    return BigInt(
      this.query("RewardsByDatanet", req, Q.QueryRewardsByDatanetResponse.decode).rewards!.amount,
    );
  }

  /** The staking validator, through the stock staking query. */
  async stakingValidator(valoper: string) {
    const { validator } = await QueryClient.withExtensions(
      appComet(this.app),
      setupStakingExtension,
    ).staking.validator(valoper);
    return validator;
  }

  /** datanets' ContributorStats.rewards_earned. */
  rewardsEarned(contributor: string): bigint {
    const req = DQ.QueryContributorStatsRequest.encode({ contributor }).finish();
    const res = DQ.QueryContributorStatsResponse.decode(
      queryOk(this.app, "/openledger.datanets.v1.Query/ContributorStats", req),
    );
    return BigInt(res.stats!.rewardsEarned);
  }

  async close() {
    await this.t.close();
  }
}
