// Test helpers for the application layer: fresh apps over a temporary LevelDB, the dev accounts'
// stock cosmjs wallets, and txs built and signed exactly as cosmjs builds them (Registry,
// makeAuthInfoBytes, makeSignDoc, DirectSecp256k1HdWallet.signDirect, TxRaw.encode).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBase64, toHex } from "@cosmjs/encoding";
import {
  DirectSecp256k1HdWallet,
  type EncodeObject,
  encodePubkey,
  makeAuthInfoBytes,
  makeSignDoc,
  Registry,
} from "@cosmjs/proto-signing";
import {
  type AuthExtension,
  type BankExtension,
  defaultRegistryTypes,
  QueryClient,
  setupAuthExtension,
  setupBankExtension,
  setupTxExtension,
  type TxExtension,
} from "@cosmjs/stargate";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import {
  QueryAllBalancesRequest,
  QueryAllBalancesResponse,
  QueryBalanceRequest,
  QueryBalanceResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/query";
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { SimulateRequest } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { AuthInfo, Fee, Tx, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Event } from "cosmjs-types/tendermint/abci/types";
import { AuthKeeper } from "../../modules/auth/keeper.js";
import { BankKeeper } from "../../modules/bank/keeper.js";
import { buildModules, STORE_NAMES } from "../../modules/index.js";
import { formatAddress, moduleAddress } from "../../node/app/address.js";
import type { FinalizeBlockResult, Misbehavior } from "../../node/app/application.js";
import { BaseApp, SIMULATE_PATH } from "../../node/app/baseapp.js";
import { CommittedStore } from "../../node/store/committed-store.js";
import { type Db, openDb } from "../../node/store/db.js";

export const CHAIN_ID = "openledger-dev-1";
export const DENOM = "uopen";
export const MIN_GAS_PRICE = "0.025uopen";
/** Each dev account's genesis balance. */
export const START_BALANCE = 10n ** 15n;
export const FEE_COLLECTOR = formatAddress(moduleAddress("fee_collector"));
export const MSG_SEND_URL = "/cosmos.bank.v1beta1.MsgSend";
export const MSG_MULTI_SEND_URL = "/cosmos.bank.v1beta1.MsgMultiSend";
/** secp256k1 group order n. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export const registry = new Registry(defaultRegistryTypes);

// ---------------------------------------------------------------------------------------------
// Dev accounts and their wallets

export type DevName = "alice" | "bob" | "carol" | "dave" | "eve";

interface DevAccountJson {
  name: DevName;
  mnemonic: string;
  address: string;
}

export const DEV_ACCOUNTS = JSON.parse(
  readFileSync(new URL("../../genesis/dev-accounts.json", import.meta.url), "utf8"),
) as DevAccountJson[];

export function devAddress(name: DevName): string {
  const a = DEV_ACCOUNTS.find((x) => x.name === name);
  if (!a) throw new Error(`no dev account ${name}`);
  return a.address;
}

/** Genesis account number of a dev account (its index in dev-accounts.json). */
export function devAccountNumber(name: DevName): bigint {
  return BigInt(DEV_ACCOUNTS.findIndex((x) => x.name === name));
}

export interface Signer {
  name: DevName;
  address: string;
  /** 33-byte compressed secp256k1 key. */
  pubkey: Uint8Array;
  wallet: DirectSecp256k1HdWallet;
}

const signers = new Map<DevName, Promise<Signer>>();

/** The stock cosmjs HD wallet of a dev account (derived once per process: BIP-39 is slow). */
export function signer(name: DevName): Promise<Signer> {
  let s = signers.get(name);
  if (!s) {
    s = (async () => {
      const entry = DEV_ACCOUNTS.find((x) => x.name === name);
      if (!entry) throw new Error(`no dev account ${name}`);
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(entry.mnemonic, { prefix: "open" });
      const [account] = await wallet.getAccounts();
      assert.equal(account?.address, entry.address, `${name}'s mnemonic derives ${entry.address}`);
      return { name, address: account.address, pubkey: account.pubkey, wallet };
    })();
    signers.set(name, s);
  }
  return s;
}

/** The pubkey Any as cosmjs puts it in SignerInfo.public_key. */
export function pubkeyAny(s: Signer) {
  return encodePubkey({
    type: "tendermint/PubKeySecp256k1",
    value: Buffer.from(s.pubkey).toString("base64"),
  });
}

// ---------------------------------------------------------------------------------------------
// Genesis and apps

/** The dev genesis app_state: every dev account (numbers 0..4) with START_BALANCE uopen. */
export function devAppState(): Record<string, unknown> {
  return {
    auth: {
      min_gas_price: MIN_GAS_PRICE,
      accounts: DEV_ACCOUNTS.map((a, i) => ({
        address: a.address,
        account_number: String(i),
        sequence: "0",
      })),
    },
    bank: {
      balances: DEV_ACCOUNTS.map((a) => ({
        address: a.address,
        coins: [{ denom: DENOM, amount: START_BALANCE.toString() }],
      })),
    },
  };
}

export interface TestApp {
  app: BaseApp;
  db: Db;
  committed: CommittedStore;
  keepers: { auth: AuthKeeper; bank: BankKeeper };
  dir: string;
  close(): Promise<void>;
}

/** A BaseApp over a fresh LevelDB in a temporary directory; not yet initialised. */
export async function newApp(): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), "openledger-app-"));
  const db = await openDb(dir);
  const committed = await CommittedStore.load(db, STORE_NAMES);
  const { modules, ante, keepers } = buildModules();
  assert.ok(keepers.auth instanceof AuthKeeper && keepers.bank instanceof BankKeeper);
  const app = new BaseApp({ chainId: CHAIN_ID, db, committed, modules, ante });
  return {
    app,
    db,
    committed,
    keepers,
    dir,
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh app initialised with the given app_state (default: the dev genesis). */
export async function genesisApp(appState: Record<string, unknown> = devAppState()): Promise<TestApp> {
  const t = await newApp();
  await t.app.initChain({ chainId: CHAIN_ID, timeNs: 0n, initialHeight: 1n, appState, validators: [] });
  return t;
}

/** Finalizes the next block with these txs (and evidence) and commits it. */
export async function runBlock(
  app: BaseApp,
  txs: Uint8Array[],
  timeNs = 1_700_000_000_000_000_000n,
  misbehavior: Misbehavior[] = [],
): Promise<FinalizeBlockResult> {
  const height = app.info().lastBlockHeight + 1n;
  const res = app.finalizeBlock({
    height,
    timeNs: timeNs + height * 1_000_000_000n,
    txs,
    hash: new Uint8Array(32),
    proposerAddress: new Uint8Array(20),
    misbehavior,
  });
  await app.commit();
  return res;
}

// ---------------------------------------------------------------------------------------------
// Building and signing txs, as cosmjs SigningStargateClient.signDirect does

export function coin(amount: bigint | number | string, denom = DENOM): Coin {
  return { denom, amount: amount.toString() };
}

export function msgSend(from: string, to: string, amount: Coin[]): EncodeObject {
  return { typeUrl: MSG_SEND_URL, value: { fromAddress: from, toAddress: to, amount } };
}

export interface TxOptions {
  msgs: EncodeObject[];
  memo?: string;
  timeoutHeight?: bigint;
  /** Default: ceil(gas × 0.025) uopen, the minimum the chain accepts. */
  fee?: Coin[];
  /** Default 200000. */
  gas?: number;
  /** Default: 0 (callers that send several txs pass the account's current sequence). */
  sequence?: bigint;
  /** Default: the dev account's genesis number. */
  accountNumber?: bigint;
  /** Default: CHAIN_ID. */
  chainId?: string;
  /** Leave out SignerInfo.public_key (the account's stored key is used then). */
  omitPubkey?: boolean;
}

export const DEFAULT_GAS = 200_000;

export function minFee(gas: number | bigint): Coin[] {
  return [coin((BigInt(gas) * 25n + 999n) / 1000n)];
}

export interface BuiltTx {
  bytes: Uint8Array;
  raw: TxRaw;
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  signature: Uint8Array;
}

/** Encodes the body and auth info, then signs with the stock wallet in SIGN_MODE_DIRECT. */
export async function buildTx(s: Signer, o: TxOptions): Promise<BuiltTx> {
  const body: EncodeObject = {
    typeUrl: "/cosmos.tx.v1beta1.TxBody",
    value: { messages: o.msgs, memo: o.memo ?? "", timeoutHeight: o.timeoutHeight ?? 0n },
  };
  const bodyBytes = registry.encode(body);
  const gas = o.gas ?? DEFAULT_GAS;
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey: pubkeyAny(s), sequence: o.sequence ?? 0n }],
    o.fee ?? minFee(gas),
    gas,
    undefined,
    undefined,
  );
  if (o.omitPubkey) {
    const info = AuthInfo.decode(authInfoBytes);
    info.signerInfos[0]!.publicKey = undefined;
    return signParts(s, bodyBytes, AuthInfo.encode(info).finish(), o);
  }
  return signParts(s, bodyBytes, authInfoBytes, o);
}

/**
 * Signs given body and auth-info bytes (never re-encoded) with a chosen account number and
 * chain-id: the way to produce a signature over the wrong account number or chain-id.
 */
export async function signParts(
  s: Signer,
  bodyBytes: Uint8Array,
  authInfoBytes: Uint8Array,
  o: { accountNumber?: bigint; chainId?: string } = {},
): Promise<BuiltTx> {
  const signDoc = makeSignDoc(
    bodyBytes,
    authInfoBytes,
    o.chainId ?? CHAIN_ID,
    o.accountNumber ?? devAccountNumber(s.name),
  );
  const { signed, signature } = await s.wallet.signDirect(s.address, signDoc);
  // The wallet signs the doc it was given, byte for byte.
  assert.deepEqual(signed.bodyBytes, bodyBytes);
  assert.deepEqual(signed.authInfoBytes, authInfoBytes);
  const sig = fromBase64(signature.signature);
  assert.equal(sig.length, 64);
  const raw = TxRaw.fromPartial({ bodyBytes, authInfoBytes, signatures: [sig] });
  return { bytes: TxRaw.encode(raw).finish(), raw, bodyBytes, authInfoBytes, signature: sig };
}

/** The same TxRaw with other signatures. */
export function withSignatures(tx: BuiltTx, signatures: Uint8Array[]): Uint8Array {
  return TxRaw.encode({ bodyBytes: tx.bodyBytes, authInfoBytes: tx.authInfoBytes, signatures }).finish();
}

function bytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${toHex(b)}`);
}

function bigIntTo32(n: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(n.toString(16).padStart(64, "0"), "hex"));
}

/** The other valid ECDSA signature of the same message: r ‖ (n − s), high-S when s was low. */
export function toHighS(signature: Uint8Array): Uint8Array {
  assert.equal(signature.length, 64);
  const s = bytesToBigInt(signature.subarray(32));
  const out = new Uint8Array(64);
  out.set(signature.subarray(0, 32), 0);
  out.set(bigIntTo32(SECP256K1_N - s), 32);
  return out;
}

export function isHighS(signature: Uint8Array): boolean {
  return bytesToBigInt(signature.subarray(32)) > SECP256K1_N / 2n;
}

/** A SimulateRequest as cosmjs's TxExtension.simulate builds it: empty fee, 0-byte signature. */
export function simulateRequest(s: Signer, msgs: EncodeObject[], sequence: bigint, memo = ""): Uint8Array {
  const tx = Tx.fromPartial({
    authInfo: AuthInfo.fromPartial({
      fee: Fee.fromPartial({}),
      signerInfos: [
        {
          publicKey: pubkeyAny(s),
          sequence,
          modeInfo: { single: { mode: SignMode.SIGN_MODE_UNSPECIFIED } },
        },
      ],
    }),
    body: TxBody.fromPartial({ messages: msgs.map((m) => registry.encodeAsAny(m)), memo }),
    signatures: [new Uint8Array()],
  });
  return SimulateRequest.encode(SimulateRequest.fromPartial({ txBytes: Tx.encode(tx).finish() })).finish();
}

export { SIMULATE_PATH };

// ---------------------------------------------------------------------------------------------
// Reading state

export function queryOk(app: BaseApp, path: string, data: Uint8Array): Uint8Array {
  const res = app.query({ path, data, prove: false });
  assert.equal(res.code, 0, `query ${path} failed: ${res.log}`);
  return res.value;
}

export function balance(app: BaseApp, address: string, denom = DENOM): bigint {
  const value = queryOk(
    app,
    "/cosmos.bank.v1beta1.Query/Balance",
    QueryBalanceRequest.encode({ address, denom }).finish(),
  );
  const coin = QueryBalanceResponse.decode(value).balance;
  assert.ok(coin, "balance is always present");
  assert.equal(coin.denom, denom);
  return BigInt(coin.amount);
}

export function allBalances(app: BaseApp, address: string): Coin[] {
  const value = queryOk(
    app,
    "/cosmos.bank.v1beta1.Query/AllBalances",
    QueryAllBalancesRequest.encode(QueryAllBalancesRequest.fromPartial({ address })).finish(),
  );
  return QueryAllBalancesResponse.decode(value).balances;
}

/** The BaseAccount from the Account query, or undefined when the query answers code 22. */
export function account(app: BaseApp, address: string): BaseAccount | undefined {
  const res = app.query({
    path: "/cosmos.auth.v1beta1.Query/Account",
    data: QueryAccountRequest.encode({ address }).finish(),
    prove: false,
  });
  if (res.code === 22) return undefined;
  assert.equal(res.code, 0, res.log);
  const any = QueryAccountResponse.decode(res.value).account;
  assert.equal(any?.typeUrl, "/cosmos.auth.v1beta1.BaseAccount");
  return BaseAccount.decode(any.value);
}

export interface Snapshot {
  appHash: string;
  height: bigint;
  balances: Record<string, string>;
  accounts: Record<string, string>;
  feeCollector: string;
}

/** Everything a refused tx must leave alone, as comparable strings. */
export function snapshot(app: BaseApp): Snapshot {
  const info = app.info();
  const balances: Record<string, string> = {};
  const accounts: Record<string, string> = {};
  for (const a of DEV_ACCOUNTS) {
    balances[a.name] = JSON.stringify(allBalances(app, a.address));
    const acc = account(app, a.address);
    accounts[a.name] = acc ? JSON.stringify(BaseAccount.toJSON(acc)) : "none";
  }
  return {
    appHash: toHex(info.lastBlockAppHash),
    height: info.lastBlockHeight,
    balances,
    accounts,
    feeCollector: JSON.stringify(allBalances(app, FEE_COLLECTOR)),
  };
}

export function sequenceOf(app: BaseApp, address: string): bigint {
  const acc = account(app, address);
  assert.ok(acc, `account ${address} exists`);
  return acc.sequence;
}

// ---------------------------------------------------------------------------------------------
// Events

export function attrs(e: Event): Record<string, string> {
  return Object.fromEntries(e.attributes.map((a) => [a.key, a.value]));
}

/** The events of a type, each as its attribute map. */
export function eventsOf(events: readonly Event[], type: string): Record<string, string>[] {
  return events.filter((e) => e.type === type).map(attrs);
}

// ---------------------------------------------------------------------------------------------
// A stock cosmjs QueryClient over the app's query method (what the RPC's abci_query would do)

export function cosmjsQueryClient(app: BaseApp): QueryClient & AuthExtension & BankExtension & TxExtension {
  return QueryClient.withExtensions(appComet(app), setupAuthExtension, setupBankExtension, setupTxExtension);
}

/** The CometClient part a QueryClient uses (abciQuery), answered by app.query. */
export function appComet(app: BaseApp): ConstructorParameters<typeof QueryClient>[0] {
  const comet = {
    async abciQuery(params: { path: string; data: Uint8Array; prove?: boolean; height?: number }) {
      const res = app.query({
        path: params.path,
        data: params.data,
        prove: params.prove ?? false,
        height: params.height === undefined ? undefined : BigInt(params.height),
      });
      return {
        key: res.key,
        value: res.value,
        proof: undefined,
        height: Number(res.height),
        index: Number(res.index),
        code: res.code,
        codespace: res.codespace,
        log: res.log,
        info: res.info,
      };
    },
  };
  return comet as unknown as ConstructorParameters<typeof QueryClient>[0];
}
