// Maps ABCI 2.0 requests (tendermint.abci, CometBFT v0.38) onto the Application seam and its
// answers back onto responses. Consensus-agnostic: it sees only the Application interface. Any
// error it throws becomes a Response.exception in the server.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import {
  CheckTxType,
  MisbehaviorType,
  type Misbehavior as PbMisbehavior,
  type ValidatorUpdate as PbValidatorUpdate,
  type Request,
  type Response,
  ResponseApplySnapshotChunk_Result,
  ResponseOfferSnapshot_Result,
  ResponseProcessProposal_ProposalStatus,
  ResponseVerifyVoteExtension_VerifyStatus,
} from "cosmjs-types/tendermint/abci/types";
import type {
  Application,
  CheckTxKind,
  FinalizeBlockRequest,
  InitChainRequest,
  Misbehavior,
  ValidatorUpdate,
} from "../app/application.js";
import type { Logger } from "../logger.js";

export interface AbciHandlerOptions {
  /**
   * The genesis initial_height, when known (genesis.json). While the app holds only the genesis
   * state (committed at initial_height − 1), Info reports height 0, as the Cosmos SDK does before
   * its first block, so that CometBFT sends InitChain again after a crash before block 1.
   */
  initialHeight?: bigint;
  logger?: Logger;
}

const ED25519_PUBKEY_SIZE = 32;

export class AbciHandler {
  private initialHeight: bigint;
  private readonly logger?: Logger;

  constructor(
    private readonly app: Application,
    opts: AbciHandlerOptions = {},
  ) {
    this.initialHeight = opts.initialHeight ?? 1n;
    this.logger = opts.logger;
  }

  /** Answers one request that sets `method`; throws what the application throws. */
  async handle(method: keyof Request, req: Request): Promise<Response> {
    switch (method) {
      case "echo":
        return { echo: { message: req.echo!.message } };
      case "flush":
        return { flush: {} };
      case "info":
        return { info: this.info() };
      case "initChain":
        return { initChain: await this.initChain(req.initChain!) };
      case "query":
        return { query: this.query(req.query!) };
      case "checkTx":
        return { checkTx: this.checkTx(req.checkTx!) };
      case "commit":
        await this.app.commit();
        return { commit: { retainHeight: 0n } };
      case "listSnapshots":
        return { listSnapshots: { snapshots: [] } };
      case "offerSnapshot":
        return { offerSnapshot: { result: ResponseOfferSnapshot_Result.REJECT } };
      case "loadSnapshotChunk":
        return { loadSnapshotChunk: { chunk: new Uint8Array(0) } };
      case "applySnapshotChunk":
        return {
          applySnapshotChunk: {
            result: ResponseApplySnapshotChunk_Result.REJECT_SNAPSHOT,
            refetchChunks: [],
            rejectSenders: [],
          },
        };
      case "prepareProposal": {
        const r = req.prepareProposal!;
        if (r.maxTxBytes < 0n) throw new Error(`max_tx_bytes ${r.maxTxBytes} is negative`);
        const max =
          r.maxTxBytes > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(r.maxTxBytes);
        return { prepareProposal: { txs: this.app.prepareProposal(r.txs, max) } };
      }
      case "processProposal": {
        const ok = this.app.processProposal(req.processProposal!.txs);
        const S = ResponseProcessProposal_ProposalStatus;
        return { processProposal: { status: ok ? S.ACCEPT : S.REJECT } };
      }
      case "extendVote":
        return { extendVote: { voteExtension: new Uint8Array(0) } };
      case "verifyVoteExtension":
        return { verifyVoteExtension: { status: ResponseVerifyVoteExtension_VerifyStatus.ACCEPT } };
      case "finalizeBlock":
        return { finalizeBlock: this.finalizeBlock(req.finalizeBlock!) };
    }
  }

  private info(): NonNullable<Response["info"]> {
    const info = this.app.info();
    const genesisOnly = info.lastBlockHeight <= this.initialHeight - 1n;
    return {
      data: "openledger",
      version: info.version,
      appVersion: info.appVersion,
      lastBlockHeight: genesisOnly ? 0n : info.lastBlockHeight,
      lastBlockAppHash: genesisOnly ? new Uint8Array(0) : info.lastBlockAppHash,
    };
  }

  private async initChain(r: NonNullable<Request["initChain"]>): Promise<NonNullable<Response["initChain"]>> {
    // CometBFT completes a genesis with initial_height 0 to 1 before sending it.
    const initialHeight = r.initialHeight === 0n ? 1n : r.initialHeight;
    if (initialHeight < 0n) throw new Error(`initial_height ${r.initialHeight} is negative`);
    const appState = parseAppState(r.appStateBytes);
    const validators = r.validators.map(fromPbValidator);
    const info = this.app.info();
    if (info.lastBlockAppHash.length > 0 && info.lastBlockHeight === initialHeight - 1n) {
      // The genesis state is already committed (this app persists it at InitChain; the SDK keeps it
      // in memory until block 1), and CometBFT asks again after a restart before block 1: answer with
      // the stored app hash. Empty validators leave CometBFT's (saved) set as it is.
      this.logger?.warn(
        { height: info.lastBlockHeight.toString() },
        "InitChain again on a chain with only its genesis state: answering the stored app hash",
      );
      this.initialHeight = initialHeight;
      return { validators: [], appHash: info.lastBlockAppHash };
    }
    const initReq: InitChainRequest = {
      chainId: r.chainId,
      timeNs: timestampToNs(r.time),
      initialHeight,
      appState,
      validators,
    };
    const res = await this.app.initChain(initReq);
    this.initialHeight = initialHeight;
    return { validators: res.validators.map(toPbValidator), appHash: res.appHash };
  }

  private query(r: NonNullable<Request["query"]>): NonNullable<Response["query"]> {
    const res = this.app.query({
      path: r.path,
      data: r.data,
      height: r.height === 0n ? undefined : r.height,
      prove: r.prove,
    });
    return {
      code: res.code,
      log: res.log,
      info: res.info,
      index: res.index,
      key: res.key,
      value: res.value,
      proofOps: res.proofOps,
      height: res.height,
      codespace: res.codespace,
    };
  }

  private checkTx(r: NonNullable<Request["checkTx"]>): NonNullable<Response["checkTx"]> {
    let kind: CheckTxKind;
    if (r.type === CheckTxType.NEW) kind = "new";
    else if (r.type === CheckTxType.RECHECK) kind = "recheck";
    else throw new Error(`unknown CheckTx type ${r.type}`);
    const res = this.app.checkTx(r.tx, kind);
    return {
      code: res.code,
      data: res.data,
      log: res.log,
      info: res.info,
      gasWanted: res.gasWanted,
      gasUsed: res.gasUsed,
      events: res.events,
      codespace: res.codespace,
    };
  }

  private finalizeBlock(r: NonNullable<Request["finalizeBlock"]>): NonNullable<Response["finalizeBlock"]> {
    const finalizeReq: FinalizeBlockRequest = {
      height: r.height,
      timeNs: timestampToNs(r.time),
      txs: r.txs,
      hash: r.hash,
      proposerAddress: r.proposerAddress,
      misbehavior: r.misbehavior.flatMap(fromPbMisbehavior),
    };
    const res = this.app.finalizeBlock(finalizeReq);
    return {
      events: res.events,
      txResults: res.txResults,
      validatorUpdates: res.validatorUpdates.map(toPbValidator),
      consensusParamUpdates: undefined,
      appHash: res.appHash,
    };
  }
}

/** Timestamp → nanoseconds since the epoch. */
export function timestampToNs(ts: Timestamp): bigint {
  return ts.seconds * 1_000_000_000n + BigInt(ts.nanos);
}

/** app_state_bytes: the genesis app_state JSON object; empty bytes mean {}. */
export function parseAppState(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (err) {
    throw new Error(`app_state_bytes is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error("app_state_bytes must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function fromPbValidator(v: PbValidatorUpdate): ValidatorUpdate {
  const key = v.pubKey?.ed25519;
  if (!key) throw new Error("validator update: only ed25519 public keys are supported");
  if (key.length !== ED25519_PUBKEY_SIZE) {
    throw new Error(`validator update: ed25519 public key must be 32 bytes, got ${key.length}`);
  }
  if (v.power < 0n) throw new Error(`validator update: negative power ${v.power}`);
  return { pubKey: key, power: v.power };
}

function toPbValidator(v: ValidatorUpdate): PbValidatorUpdate {
  return { pubKey: { ed25519: v.pubKey }, power: v.power };
}

/**
 * CometBFT evidence → the seam's misbehavior. A light-client attack is reported as equivocation
 * too, as the Cosmos SDK's x/evidence handles both kinds alike; UNKNOWN is dropped.
 */
function fromPbMisbehavior(m: PbMisbehavior): Misbehavior[] {
  if (m.type !== MisbehaviorType.DUPLICATE_VOTE && m.type !== MisbehaviorType.LIGHT_CLIENT_ATTACK) return [];
  return [
    {
      type: "duplicateVote",
      validatorAddress: m.validator.address,
      height: m.height,
      timeNs: timestampToNs(m.time),
      totalVotingPower: m.totalVotingPower,
    },
  ];
}
