// BaseApp: the Application behind the seam. It decodes txs, runs the ante handler and routes
// messages and queries to modules, over branches of the committed multistore:
//   deliver state: one branch per block, committed in finalizeBlock, persisted in commit();
//   check state:   a branch reset after every commit, where mempool admission runs.
import "../types/cosmjs-binary.js";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { AuthInfo, type Tx, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Event, ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import type { CommittedStore, StateVersion } from "../store/committed-store.js";
import type { BatchOps, Db } from "../store/db.js";
import { CacheMultiStore } from "../store/multi-store.js";
import type {
  AppInfo,
  Application,
  CheckTxKind,
  CheckTxResult,
  FinalizeBlockRequest,
  FinalizeBlockResult,
  InitChainRequest,
  InitChainResult,
  QueryRequest,
  QueryResponse,
} from "./application.js";
import { type BlockHeader, Context, type ExecMode } from "./context.js";
import { AbciError, SdkCode, sdkError, toAbci } from "./errors.js";
import { GasMeter, OutOfGasError } from "./gas.js";
import type { Module, MsgType, QueryRoute } from "./module.js";
import { queryStore, queryVersion, STORE_QUERY_PREFIX } from "./query-height.js";
import { type DecodedTx, decodeTx } from "./tx.js";
import { checkGenesisValidators, collectValidatorUpdates } from "./validator-updates.js";

export const SIMULATE_PATH = "/cosmos.tx.v1beta1.Service/Simulate";

/** Runs after decoding, before messages: signatures, sequence, fees (x/auth/ante). */
export type AnteHandler = (ctx: Context, tx: DecodedTx) => void;

export interface BaseAppOptions {
  chainId: string;
  db: Db;
  committed: CommittedStore;
  /** In genesis order: init, begin/end block and export run in this order. */
  modules: Module[];
  ante: AnteHandler;
}

export class BaseApp implements Application {
  readonly chainId: string;
  private readonly modules: Module[];
  private readonly router = new Map<string, MsgType<unknown>>();
  private readonly queries = new Map<string, QueryRoute>();
  private checkState: CacheMultiStore;
  private checkHeader: BlockHeader;
  /** Time of the last finalized block; 0 until the first block after a start. */
  private lastBlockTimeNs = 0n;
  private pending?: { height: bigint; ops: BatchOps };

  constructor(private readonly opts: BaseAppOptions) {
    this.chainId = opts.chainId;
    this.modules = opts.modules;
    for (const m of opts.modules) {
      for (const t of m.msgs) {
        if (this.router.has(t.typeUrl)) throw new Error(`message type ${t.typeUrl} registered twice`);
        this.router.set(t.typeUrl, t);
      }
      for (const q of m.queries) {
        if (this.queries.has(q.path)) throw new Error(`query path ${q.path} registered twice`);
        this.queries.set(q.path, q);
      }
    }
    this.checkState = new CacheMultiStore(opts.committed);
    this.checkHeader = this.nextHeader(0n);
  }

  info(): AppInfo {
    const last = this.opts.committed.lastCommit;
    return { lastBlockHeight: last.height, lastBlockAppHash: last.appHash, appVersion: 0n, version: "0.1.0" };
  }

  query(req: QueryRequest): QueryResponse {
    const requested = req.height ?? 0n;
    let height = requested === 0n ? this.opts.committed.lastCommit.height : requested;
    const base = { info: "", index: 0n, key: new Uint8Array(0) };
    try {
      const version = queryVersion(this.opts.committed, req);
      height = version.height;
      if (req.path.startsWith(STORE_QUERY_PREFIX)) {
        return { ...base, height, code: 0, codespace: "", log: "", ...queryStore(version, req) };
      }
      if (req.path === SIMULATE_PATH && height !== this.opts.committed.lastCommit.height) {
        throw sdkError(SdkCode.InvalidRequest, "simulate runs on the latest state only");
      }
      const value =
        req.path === SIMULATE_PATH ? this.simulate(req.data) : this.route(req.path, req.data, version);
      return { ...base, height, code: 0, codespace: "", log: "", value };
    } catch (err) {
      return { ...base, height, ...toAbci(err), value: new Uint8Array(0) };
    }
  }

  private route(path: string, data: Uint8Array, version: StateVersion): Uint8Array {
    const route = this.queries.get(path);
    if (!route) throw sdkError(SdkCode.UnknownRequest, `unknown query path ${path}`);
    const latest = version.height === this.opts.committed.lastCommit.height;
    const header = latest ? this.checkHeader : { ...this.checkHeader, height: version.height + 1n };
    const ctx = new Context(header, "query", new GasMeter(), latest ? this.opts.committed : version);
    return route.handle(ctx, data);
  }

  private simulate(data: Uint8Array): Uint8Array {
    let txBytes: Uint8Array;
    try {
      const req = SimulateRequest.decode(data);
      txBytes = req.txBytes.length > 0 ? req.txBytes : req.tx ? txToRaw(req.tx) : new Uint8Array(0);
    } catch (err) {
      throw sdkError(SdkCode.TxDecode, `cannot decode SimulateRequest: ${(err as Error).message}`);
    }
    if (txBytes.length === 0) throw sdkError(SdkCode.InvalidRequest, "empty tx");
    const result = this.runTx("simulate", txBytes, this.checkState.branch(), this.checkHeader);
    if (result.code !== 0) throw new AbciError(result.codespace, result.code, result.log);
    return SimulateResponse.encode({
      gasInfo: { gasWanted: result.gasWanted, gasUsed: result.gasUsed },
      result: { data: new Uint8Array(0), log: result.log, events: result.events, msgResponses: [] },
    }).finish();
  }

  checkTx(tx: Uint8Array, kind: CheckTxKind = "new"): CheckTxResult {
    const store = kind === "dryRun" ? this.checkState.branch() : this.checkState;
    return this.runTx(kind === "recheck" ? "recheck" : "check", tx, store, this.checkHeader);
  }

  async initChain(req: InitChainRequest): Promise<InitChainResult> {
    if (req.chainId !== this.chainId)
      throw new Error(`genesis chain-id ${req.chainId} is not ${this.chainId}`);
    if (this.opts.committed.lastCommit.appHash.length > 0)
      throw new Error("initChain on a chain that has state");
    const known = new Set(this.modules.map((m) => m.name));
    for (const name of Object.keys(req.appState)) {
      if (!known.has(name)) throw new Error(`genesis app_state has unknown module "${name}"`);
    }
    const store = new CacheMultiStore(this.opts.committed);
    const header = { chainId: this.chainId, height: req.initialHeight - 1n, timeNs: req.timeNs };
    const ctx = new Context(header, "genesis", new GasMeter(), store);
    const answers = this.modules.map((m) => {
      const json = req.appState[m.name];
      const genesis = json === undefined ? m.defaultGenesis() : m.parseGenesis(json);
      return { module: m.name, updates: m.initGenesis(ctx, genesis) ?? undefined };
    });
    const validators = collectValidatorUpdates(answers, "initGenesis").filter((u) => u.power > 0n);
    // Callers built before the field existed pass nothing: treated as an empty list.
    checkGenesisValidators(req.validators ?? [], validators);
    this.lastBlockTimeNs = req.timeNs;
    const { appHash, ops } = this.opts.committed.commit(header.height, store.writes);
    await this.opts.db.batch(ops);
    this.resetCheckState();
    return { appHash, validators };
  }

  /** The genesis app_state of the current committed state, module by module. */
  exportGenesis(): Record<string, unknown> {
    const ctx = new Context(this.checkHeader, "query", new GasMeter(), this.opts.committed);
    const out: Record<string, unknown> = {};
    for (const m of this.modules) out[m.name] = m.genesisToJson(m.exportGenesis(ctx));
    return out;
  }

  prepareProposal(txs: Uint8Array[], maxBytes: number): Uint8Array[] {
    const picked: Uint8Array[] = [];
    let size = 0;
    for (const tx of txs) {
      if (size + tx.length > maxBytes) break;
      picked.push(tx);
      size += tx.length;
    }
    return picked;
  }

  processProposal(txs: Uint8Array[]): boolean {
    return txs.every((tx) => tx.length > 0);
  }

  finalizeBlock(req: FinalizeBlockRequest): FinalizeBlockResult {
    if (this.pending) throw new Error(`block ${this.pending.height} was finalized but not committed`);
    const expected = this.opts.committed.lastCommit.height + 1n;
    if (req.height !== expected)
      throw new Error(`finalizeBlock at height ${req.height}, expected ${expected}`);
    const header = { chainId: this.chainId, height: req.height, timeNs: req.timeNs };
    this.lastBlockTimeNs = req.timeNs;
    const store = new CacheMultiStore(this.opts.committed);
    const blockCtx = new Context(header, "deliver", new GasMeter(), store);
    // Callers built before the field existed pass nothing: treated as no evidence.
    const begin = { misbehavior: req.misbehavior ?? [] };
    for (const m of this.modules) m.beginBlock?.(blockCtx, begin);
    const txResults = req.txs.map((tx) => this.runTx("deliver", tx, store, header));
    const answers = this.modules.map((m) => ({
      module: m.name,
      updates: m.endBlock?.(blockCtx) ?? undefined,
    }));
    const validatorUpdates = collectValidatorUpdates(answers, "endBlock");
    const { appHash, ops } = this.opts.committed.commit(req.height, store.writes);
    this.pending = { height: req.height, ops };
    return { txResults, events: blockCtx.events.events, appHash, validatorUpdates };
  }

  async commit(): Promise<void> {
    if (!this.pending) throw new Error("commit without a finalized block");
    await this.opts.db.batch(this.pending.ops);
    this.pending = undefined;
    this.resetCheckState();
  }

  private resetCheckState(): void {
    this.checkState = new CacheMultiStore(this.opts.committed);
    this.checkHeader = this.nextHeader(this.opts.committed.lastCommit.height);
  }

  /** CheckTx runs as if in the next block, timed like the last one (as the SDK's check state). */
  private nextHeader(lastHeight: bigint): BlockHeader {
    return { chainId: this.chainId, height: lastHeight + 1n, timeNs: this.lastBlockTimeNs };
  }

  /**
   * One tx, as the SDK's runTx: ante in a branch, then the messages in a branch of it written only
   * when all succeed. In deliver the ante branch is written as soon as it passes (fee and sequence
   * stay even if a message fails); in check, only with the messages.
   * Check mode runs the messages too, so a tx that would fail is refused before the mempool.
   */
  private runTx(
    mode: ExecMode,
    bytes: Uint8Array,
    store: CacheMultiStore,
    header: BlockHeader,
  ): ExecTxResult {
    let gasWanted = 0n;
    let meter = new GasMeter();
    let anteEvents: Event[] = [];
    try {
      const tx = decodeTx(bytes, this.router);
      gasWanted = tx.authInfo.fee?.gasLimit ?? 0n;
      meter = mode === "simulate" ? new GasMeter() : new GasMeter(gasWanted);
      const anteStore = store.branch();
      const anteCtx = new Context(header, mode, meter, anteStore);
      this.opts.ante(anteCtx, tx);
      // In a block, fee and sequence stay even if a message fails (the SDK's runTx). A refused
      // checkTx must leave the check state alone: the tx is not admitted, so its sequence is not
      // taken and the same sequence can be sent again.
      if (mode === "deliver") anteStore.write();
      anteEvents = anteCtx.events.events;
      const msgStore = anteStore.branch();
      const msgCtx = new Context(header, mode, meter, msgStore);
      const msgResponses = tx.msgs.map(({ typeUrl, msg, type }) => {
        msgCtx.events.emit("message", {
          action: typeUrl,
          sender: type.signers(msg)[0] ?? "",
          module: moduleOf(typeUrl),
        });
        return type.handle(msgCtx, msg);
      });
      msgStore.write();
      anteStore.write();
      const data = TxMsgData.encode({ data: [], msgResponses }).finish();
      const events = [...anteEvents, ...msgCtx.events.events];
      return { code: 0, data, log: "", info: "", gasWanted, gasUsed: meter.consumed, events, codespace: "" };
    } catch (err) {
      const gasUsed =
        meter.limit !== undefined && meter.consumed > meter.limit ? meter.limit : meter.consumed;
      const abci =
        err instanceof OutOfGasError
          ? toAbci(
              sdkError(
                SdkCode.OutOfGas,
                `${err.message}; gasWanted: ${gasWanted}, gasUsed: ${meter.consumed}`,
              ),
            )
          : toAbci(err);
      return { ...abci, data: new Uint8Array(0), info: "", gasWanted, gasUsed, events: anteEvents };
    }
  }
}

/** "/cosmos.bank.v1beta1.MsgSend" → "bank", as the SDK's module attribute. */
function moduleOf(typeUrl: string): string {
  const parts = typeUrl.replace(/^\//, "").split(".");
  return parts.length >= 2 ? parts[1]! : typeUrl;
}

/** The deprecated SimulateRequest.tx form; signatures are not checked in simulation. */
function txToRaw(tx: Tx): Uint8Array {
  return TxRaw.encode({
    bodyBytes: TxBody.encode(tx.body ?? TxBody.fromPartial({})).finish(),
    authInfoBytes: AuthInfo.encode(tx.authInfo ?? AuthInfo.fromPartial({})).finish(),
    signatures: tx.signatures,
  }).finish();
}
