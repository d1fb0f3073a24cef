// Staking test helpers over test/app/helpers.ts: a genesis with staking validators operated by dev
// accounts, the stock cosmos.staking.v1beta1 messages signed with the dev wallets, blocks with
// evidence, and a stock cosmjs QueryClient with setupStakingExtension over the app.
import assert from "node:assert/strict";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { QueryClient, type StakingExtension, setupStakingExtension } from "@cosmjs/stargate";
import type { MsgCreateValidator } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { ed25519ToAny, formatValoper } from "../../modules/staking/index.js";
import { formatAddress, moduleAddress, parseAddress } from "../../node/app/address.js";
import type { FinalizeBlockResult, Misbehavior, ValidatorUpdate } from "../../node/app/application.js";
import type { GenesisDocJson } from "../../node/genesis/genesis-doc.js";
import { setGenesisValidators } from "../../node/genesis/genesis-validators.js";
import { type Ed25519Key, keyFromSecret } from "../../node/types/ed25519.js";
import {
  appComet,
  balance,
  buildTx,
  CHAIN_ID,
  coin,
  DEFAULT_GAS,
  type DevName,
  devAddress,
  devAppState,
  minFee,
  newApp,
  runBlock,
  type Signer,
  sequenceOf,
  signer,
  type TestApp,
} from "../app/helpers.js";

export const URL = {
  create: "/cosmos.staking.v1beta1.MsgCreateValidator",
  delegate: "/cosmos.staking.v1beta1.MsgDelegate",
  undelegate: "/cosmos.staking.v1beta1.MsgUndelegate",
} as const;

export const BONDED_POOL = formatAddress(moduleAddress("bonded_tokens_pool"));
export const NOT_BONDED_POOL = formatAddress(moduleAddress("not_bonded_tokens_pool"));
export const FEE = BigInt(minFee(DEFAULT_GAS)[0]!.amount);
export const BASE_TIME_NS = 1_700_000_000_000_000_000n;
export const SECOND = 1_000_000_000n;
export const POWER = 1_000_000n;
export const UNBONDING_SECONDS = 100n;

/** ed25519 keys 0..5, the same in every run. */
export const KEYS: Ed25519Key[] = [0, 1, 2, 3, 4, 5].map((i) => keyFromSecret(`staking-test-${i}`));

/** Small numbers so that tests reach the limits cheaply. */
export const TEST_PARAMS = {
  bond_denom: "uopen",
  unbonding_time_seconds: UNBONDING_SECONDS.toString(),
  max_validators: 3,
  max_entries: 3,
  slash_fraction_double_sign_bps: "500",
  max_evidence_age_blocks: "10",
};

export interface GenesisValidator {
  key: Ed25519Key;
  power: bigint;
  operator: DevName;
}

/** Genesis validators: alice operates key 0 (power 10), bob key 1 (power 5). */
export const DEFAULT_VALIDATORS: GenesisValidator[] = [
  { key: KEYS[0]!, power: 10n, operator: "alice" },
  { key: KEYS[1]!, power: 5n, operator: "bob" },
];

export const valoper = (address: string) => formatValoper(parseAddress(address));

/** The dev app_state plus staking (TEST_PARAMS) with these validators, and their genesis doc set. */
export function stakingGenesis(validators = DEFAULT_VALIDATORS, params: object = TEST_PARAMS) {
  const doc = {
    genesis_time: "2023-11-14T22:13:20Z",
    validators: [],
    app_state: { ...devAppState(), staking: { params } },
  } as unknown as GenesisDocJson;
  setGenesisValidators(
    doc,
    validators.map((v, i) => ({
      pubKey: v.key.pubKey,
      power: v.power,
      name: `validator-${i}`,
      operator: devAddress(v.operator),
    })),
  );
  const set: ValidatorUpdate[] = validators.map((v) => ({ pubKey: v.key.pubKey, power: v.power }));
  return { appState: doc.app_state, validators: set };
}

export function createValidator(
  operator: string,
  key: Uint8Array,
  amount: bigint | string,
  o: Partial<MsgCreateValidator> = {},
): EncodeObject {
  const value: MsgCreateValidator = {
    description: { moniker: "test node", identity: "", website: "", securityContact: "", details: "" },
    commission: {
      rate: "100000000000000000",
      maxRate: "200000000000000000",
      maxChangeRate: "10000000000000000",
    },
    minSelfDelegation: "1",
    delegatorAddress: "",
    validatorAddress: valoper(operator),
    pubkey: ed25519ToAny(key),
    value: coin(amount),
    ...o,
  };
  return { typeUrl: URL.create, value };
}

export const delegate = (delegator: string, validator: string, amount: bigint | string, denom = "uopen") => ({
  typeUrl: URL.delegate,
  value: { delegatorAddress: delegator, validatorAddress: validator, amount: coin(amount, denom) },
});

export const undelegate = (
  delegator: string,
  validator: string,
  amount: bigint | string,
  denom = "uopen",
) => ({
  typeUrl: URL.undelegate,
  value: { delegatorAddress: delegator, validatorAddress: validator, amount: coin(amount, denom) },
});

export function duplicateVote(key: Ed25519Key, height: bigint): Misbehavior {
  return { type: "duplicateVote", validatorAddress: key.address, height, timeNs: 0n, totalVotingPower: 15n };
}

export interface Tx {
  by: Signer;
  msgs: EncodeObject[];
  gas?: number;
}

export class StakingHarness {
  /** The time base passed to runBlock (block h is at base + h seconds). */
  timeBase = BASE_TIME_NS;
  readonly query: QueryClient & StakingExtension;

  private constructor(
    readonly t: TestApp,
    readonly s: Record<DevName, Signer>,
    readonly initial: ValidatorUpdate[],
  ) {
    this.query = QueryClient.withExtensions(appComet(t.app), setupStakingExtension);
  }

  static async start(genesis = stakingGenesis()): Promise<StakingHarness> {
    const names: DevName[] = ["alice", "bob", "carol", "dave", "eve"];
    const signers = await Promise.all(names.map((n) => signer(n)));
    const s = Object.fromEntries(names.map((n, i) => [n, signers[i]!])) as Record<DevName, Signer>;
    const t = await newApp();
    const { validators } = await t.app.initChain({
      chainId: CHAIN_ID,
      timeNs: BASE_TIME_NS,
      initialHeight: 1n,
      appState: genesis.appState,
      validators: genesis.validators,
    });
    return new StakingHarness(t, s, validators);
  }

  get app() {
    return this.t.app;
  }

  /** Signs and runs txs in one block (sequences from the chain, counting up within the block). */
  async block(txs: Tx[], misbehavior: Misbehavior[] = []): Promise<FinalizeBlockResult> {
    const next = new Map<string, bigint>();
    const built = [];
    for (const tx of txs) {
      const sequence = next.get(tx.by.address) ?? sequenceOf(this.app, tx.by.address);
      next.set(tx.by.address, sequence + 1n);
      built.push((await buildTx(tx.by, { msgs: tx.msgs, sequence, gas: tx.gas })).bytes);
    }
    return runBlock(this.app, built, this.timeBase, misbehavior);
  }

  /** A tx signed with the signer's current sequence (for running on two apps). */
  sign(by: Signer, msgs: EncodeObject[]) {
    return buildTx(by, { msgs, sequence: sequenceOf(this.app, by.address) });
  }

  async run(by: Signer, ...msgs: EncodeObject[]): Promise<ExecTxResult> {
    return (await this.block([{ by, msgs }])).txResults[0]!;
  }

  async ok(by: Signer, ...msgs: EncodeObject[]): Promise<FinalizeBlockResult> {
    const res = await this.block([{ by, msgs }]);
    const r = res.txResults[0]!;
    assert.equal(r.code, 0, `tx failed: ${r.codespace} ${r.code} ${r.log}`);
    return res;
  }

  get height(): bigint {
    return this.app.info().lastBlockHeight;
  }

  /** Block time of the next block. */
  get nextTimeNs(): bigint {
    return this.timeBase + (this.height + 1n) * SECOND;
  }

  balance(address: string): bigint {
    return balance(this.app, address);
  }

  /** The staking part of the exported genesis (the whole module state). */
  state(): Record<string, unknown> {
    return this.app.exportGenesis().staking as Record<string, unknown>;
  }

  async close() {
    await this.t.close();
  }
}

/** Updates as comparable [base64 key, power] pairs. */
export function updates(list: readonly ValidatorUpdate[]): [string, bigint][] {
  return list.map((u) => [Buffer.from(u.pubKey).toString("base64"), u.power]);
}

export const b64 = (k: Ed25519Key) => Buffer.from(k.pubKey).toString("base64");

export function assertRefused(r: ExecTxResult, codespace: string, code: number, log: RegExp): void {
  assert.equal(r.codespace, codespace, `codespace (log: ${r.log})`);
  assert.equal(r.code, code, `code (log: ${r.log})`);
  assert.match(r.log, log);
}
