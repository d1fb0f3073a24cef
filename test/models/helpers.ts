// Helpers for the models tests: an app with the models module (and datanets to train on) over a
// temporary LevelDB, models txs signed by the dev accounts' cosmjs wallets, and typed queries.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EncodeObject, type GeneratedType, makeAuthInfoBytes, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import { type AppModules, buildModules, STORE_NAMES } from "../../modules/index.js";
import {
  MSG_DEPRECATE_ADAPTER_URL,
  MSG_DEPRECATE_MODEL_URL,
  MSG_REGISTER_ADAPTER_URL,
  MSG_REGISTER_MODEL_URL,
  MSG_UPDATE_PRICE_URL,
  QUERY_PREFIX,
} from "../../modules/models/index.js";
import { BaseApp } from "../../node/app/baseapp.js";
import { Context } from "../../node/app/context.js";
import { GasMeter } from "../../node/app/gas.js";
import { CommittedStore } from "../../node/store/committed-store.js";
import { openDb } from "../../node/store/db.js";
import { MsgContribute, MsgCreateDatanet } from "../../proto/gen/openledger/datanets/v1/tx.js";
import { DataType } from "../../proto/gen/openledger/datanets/v1/types.js";
import {
  QueryAdapterRequest,
  QueryAdapterResponse,
  QueryAdaptersOfModelRequest,
  QueryAdaptersOfModelResponse,
  QueryModelRequest,
  QueryModelResponse,
  QueryModelsRequest,
  QueryModelsResponse,
} from "../../proto/gen/openledger/models/v1/query.js";
import {
  MsgDeprecateAdapter,
  MsgDeprecateModel,
  MsgRegisterAdapter,
  MsgRegisterModel,
  MsgUpdatePrice,
} from "../../proto/gen/openledger/models/v1/tx.js";
import {
  type Adapter,
  AttributionMethod,
  type Model,
  type Price,
} from "../../proto/gen/openledger/models/v1/types.js";
import {
  CHAIN_ID,
  DEFAULT_GAS,
  devAppState,
  minFee,
  pubkeyAny,
  queryOk,
  runBlock,
  type Signer,
  sequenceOf,
  signer,
  signParts,
  type TestApp,
} from "../app/helpers.js";

/** The models message types, as a cosmjs client registers them. */
export const MODELS_TYPES: [string, GeneratedType][] = [
  [MSG_REGISTER_MODEL_URL, MsgRegisterModel as unknown as GeneratedType],
  [MSG_REGISTER_ADAPTER_URL, MsgRegisterAdapter as unknown as GeneratedType],
  [MSG_UPDATE_PRICE_URL, MsgUpdatePrice as unknown as GeneratedType],
  [MSG_DEPRECATE_MODEL_URL, MsgDeprecateModel as unknown as GeneratedType],
  [MSG_DEPRECATE_ADAPTER_URL, MsgDeprecateAdapter as unknown as GeneratedType],
];

export const modelsRegistry = new Registry([
  ...defaultRegistryTypes,
  ...MODELS_TYPES,
  ["/openledger.datanets.v1.MsgCreateDatanet", MsgCreateDatanet as unknown as GeneratedType],
  ["/openledger.datanets.v1.MsgContribute", MsgContribute as unknown as GeneratedType],
]);

// ---------------------------------------------------------------------------------------------
// Apps

/** The datanet versions the tests train on, made by carol's txs: 1 (versions 1, 2) and 2 (version 1). */
export const DATANETS = [
  { id: 1n, versions: [1n, 2n] },
  { id: 2n, versions: [1n] },
];

export interface ModelsTestApp extends TestApp {
  keepers: AppModules["keepers"];
}

/** A fresh app of the chain's module list (modules/index.ts) over a temporary LevelDB; not initialised. */
export async function newModelsApp(): Promise<ModelsTestApp> {
  const dir = await mkdtemp(join(tmpdir(), "openledger-models-"));
  const db = await openDb(dir);
  const committed = await CommittedStore.load(db, STORE_NAMES);
  const { modules, ante, keepers } = buildModules();
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

/** The dev genesis, then DATANETS made through real datanets txs (two blocks). */
export async function modelsApp(): Promise<ModelsTestApp> {
  const t = await newModelsApp();
  await t.app.initChain({
    chainId: CHAIN_ID,
    timeNs: 0n,
    initialHeight: 1n,
    appState: devAppState(),
    validators: [],
  });
  const carol = await signer("carol");
  const create = (name: string) => ({
    typeUrl: "/openledger.datanets.v1.MsgCreateDatanet",
    value: MsgCreateDatanet.fromPartial({
      owner: carol.address,
      name,
      domain: "medicine",
      dataType: DataType.DATA_TYPE_TEXT,
    }),
  });
  const contribute = (datanetId: bigint, text: string) => ({
    typeUrl: "/openledger.datanets.v1.MsgContribute",
    value: MsgContribute.fromPartial({
      contributor: carol.address,
      datanetId,
      inlineContent: new TextEncoder().encode(text),
      license: "CC-BY-4.0",
    }),
  });
  // Datanets need no approval: contributions are accepted at once and EndBlock cuts a version.
  await deliverOk(
    t,
    carol,
    create("radiology notes"),
    create("discharge letters"),
    contribute(1n, "a"),
    contribute(2n, "b"),
  );
  await deliverOk(t, carol, contribute(1n, "c"));
  for (const d of DATANETS)
    for (const v of d.versions)
      assert.ok(t.keepers.datanets.versionExists(queryContext(t), d.id, v), `datanet ${d.id} v${v}`);
  return t;
}

/** The exported app_state and height of an app made by modelsApp(): real datanet versions to import. */
export async function datanetsAppState(): Promise<{ appState: Record<string, unknown>; height: bigint }> {
  const t = await modelsApp();
  try {
    return { appState: structuredClone(t.app.exportGenesis()), height: t.app.info().lastBlockHeight };
  } finally {
    await t.close();
  }
}

/** A read-only context over the committed state, as queries get. */
export function queryContext(t: TestApp): Context {
  return new Context({ chainId: CHAIN_ID, height: 0n, timeNs: 0n }, "query", new GasMeter(), t.committed);
}

// ---------------------------------------------------------------------------------------------
// Txs

/** A tx signed in SIGN_MODE_DIRECT by a stock cosmjs wallet, its body encoded by modelsRegistry. */
export async function signTx(s: Signer, msgs: EncodeObject[], sequence: bigint): Promise<Uint8Array> {
  const bodyBytes = modelsRegistry.encode({
    typeUrl: "/cosmos.tx.v1beta1.TxBody",
    value: { messages: msgs },
  });
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey: pubkeyAny(s), sequence }],
    minFee(DEFAULT_GAS),
    DEFAULT_GAS,
    undefined,
    undefined,
  );
  return (await signParts(s, bodyBytes, authInfoBytes)).bytes;
}

/** Signs with the account's current sequence and runs the tx alone in the next block. */
export async function deliver(t: TestApp, s: Signer, ...msgs: EncodeObject[]): Promise<ExecTxResult> {
  const tx = await signTx(s, msgs, sequenceOf(t.app, s.address));
  const { txResults } = await runBlock(t.app, [tx]);
  return txResults[0]!;
}

/** Like deliver, but the tx must succeed; returns the message responses' values. */
export async function deliverOk(t: TestApp, s: Signer, ...msgs: EncodeObject[]): Promise<ExecTxResult> {
  const res = await deliver(t, s, ...msgs);
  assert.equal(res.code, 0, `tx failed: ${res.codespace} ${res.code} ${res.log}`);
  return res;
}

export function msgResponses(res: ExecTxResult) {
  return TxMsgData.decode(res.data).msgResponses;
}

/** sha256 of a label: a stand-in for an artifact file's hash. */
export function sha(label: string): Uint8Array {
  return Uint8Array.from(createHash("sha256").update(label).digest());
}

export const PRICE: Price = { perCall: "1000", per1kOutputTokens: "50" };

export function registerModel(owner: string, o: Partial<MsgRegisterModel> = {}): EncodeObject {
  const value = MsgRegisterModel.fromPartial({
    owner,
    name: "med-llama-8b",
    datanets: [{ datanetId: 1n, version: 1n }],
    artifactSha256: sha("med-llama-8b.safetensors"),
    artifactSize: 16_000_000_000n,
    format: "safetensors",
    attributionMethod: AttributionMethod.ATTRIBUTION_METHOD_SPAN,
    price: PRICE,
    ...o,
  });
  return { typeUrl: MSG_REGISTER_MODEL_URL, value };
}

export function registerAdapter(owner: string, o: Partial<MsgRegisterAdapter> = {}): EncodeObject {
  const value = MsgRegisterAdapter.fromPartial({
    owner,
    baseModelId: 1n,
    adapterSha256: sha("radiology-lora"),
    rank: 16,
    targetLayers: ["q_proj", "v_proj"],
    datanets: [{ datanetId: 1n, version: 2n }],
    price: { perCall: "200", per1kOutputTokens: "10" },
    ...o,
  });
  return { typeUrl: MSG_REGISTER_ADAPTER_URL, value };
}

export function updatePrice(owner: string, o: Partial<MsgUpdatePrice>): EncodeObject {
  return { typeUrl: MSG_UPDATE_PRICE_URL, value: MsgUpdatePrice.fromPartial({ owner, ...o }) };
}

export function deprecateModel(owner: string, modelId: bigint): EncodeObject {
  return { typeUrl: MSG_DEPRECATE_MODEL_URL, value: MsgDeprecateModel.fromPartial({ owner, modelId }) };
}

export function deprecateAdapter(owner: string, adapterId: bigint): EncodeObject {
  return { typeUrl: MSG_DEPRECATE_ADAPTER_URL, value: MsgDeprecateAdapter.fromPartial({ owner, adapterId }) };
}

// ---------------------------------------------------------------------------------------------
// Queries

export function queryModel(t: TestApp, modelId: bigint): Model {
  const value = queryOk(t.app, `${QUERY_PREFIX}Model`, QueryModelRequest.encode({ modelId }).finish());
  const { model } = QueryModelResponse.decode(value);
  assert.ok(model);
  return model;
}

export function queryAdapter(t: TestApp, adapterId: bigint): Adapter {
  const value = queryOk(t.app, `${QUERY_PREFIX}Adapter`, QueryAdapterRequest.encode({ adapterId }).finish());
  const { adapter } = QueryAdapterResponse.decode(value);
  assert.ok(adapter);
  return adapter;
}

export function queryModels(t: TestApp, req: Partial<QueryModelsRequest> = {}): QueryModelsResponse {
  const data = QueryModelsRequest.encode(QueryModelsRequest.fromPartial(req)).finish();
  return QueryModelsResponse.decode(queryOk(t.app, `${QUERY_PREFIX}Models`, data));
}

export function queryAdaptersOfModel(
  t: TestApp,
  req: Partial<QueryAdaptersOfModelRequest>,
): QueryAdaptersOfModelResponse {
  const data = QueryAdaptersOfModelRequest.encode(QueryAdaptersOfModelRequest.fromPartial(req)).finish();
  return QueryAdaptersOfModelResponse.decode(queryOk(t.app, `${QUERY_PREFIX}AdaptersOfModel`, data));
}

/** Ids of models, for compact assertions. */
export const ids = (entries: readonly { id: bigint }[]) => entries.map((e) => e.id);
