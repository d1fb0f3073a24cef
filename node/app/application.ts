// The one seam between the node (consensus, mempool, rpc) and the application, shaped after
// ABCI 2.0 (CometBFT 0.38). Nothing on the node side reaches past it into modules or stores.
import type { Event, ExecTxResult } from "cosmjs-types/tendermint/abci/types";

export interface AppInfo {
  lastBlockHeight: bigint;
  lastBlockAppHash: Uint8Array;
  appVersion: bigint;
  version: string;
}

export interface QueryRequest {
  path: string;
  data: Uint8Array;
  /** 0n or undefined mean latest; a recent past height is served within pruning-keep-recent. */
  height?: bigint;
  /** With a "/store/<name>/key" path: answer with ICS23 proofOps (needs an explicit height > 1, as the SDK). */
  prove: boolean;
}

export interface QueryResponse {
  code: number;
  codespace: string;
  log: string;
  info: string;
  index: bigint;
  key: Uint8Array;
  value: Uint8Array;
  height: bigint;
  /** ABCI ProofOps of a proven store query (node/store/store-proofs.ts). */
  proofOps?: { ops: Array<{ type: string; key: Uint8Array; data: Uint8Array }> };
}

export type CheckTxResult = ExecTxResult;

export type CheckTxKind = "new" | "recheck" | "dryRun";

/** A change of the consensus validator set (ABCI ValidatorUpdate). */
export interface ValidatorUpdate {
  /** ed25519 public key, 32 bytes. */
  pubKey: Uint8Array;
  /** Voting power; 0 removes the validator from the set. */
  power: bigint;
}

/** Evidence of a validator's misbehaviour committed in a block (ABCI Misbehavior). */
export interface Misbehavior {
  /** Two conflicting votes by one validator at one height and round. */
  type: "duplicateVote";
  /** Consensus address: the first 20 bytes of sha256(ed25519 public key), as CometBFT. */
  validatorAddress: Uint8Array;
  /** Height of the infraction. */
  height: bigint;
  /** Block time of the infraction, nanoseconds since the epoch. */
  timeNs: bigint;
  /** Total voting power of the validator set at the infraction height. */
  totalVotingPower: bigint;
}

export interface InitChainRequest {
  chainId: string;
  timeNs: bigint;
  initialHeight: bigint;
  /** The genesis app_state object, one entry per module. */
  appState: Record<string, unknown>;
  /** The genesis document's validators. */
  validators: ValidatorUpdate[];
}

export interface InitChainResult {
  appHash: Uint8Array;
  /**
   * The validator set the application wants, sorted by pubKey; empty means "use the genesis
   * document's" (as CometBFT). When both are non-empty they are the same set (initChain refuses a
   * genesis where they differ).
   */
  validators: ValidatorUpdate[];
}

export interface FinalizeBlockRequest {
  height: bigint;
  /** Block time (BFT time from the header), nanoseconds since the epoch. */
  timeNs: bigint;
  txs: Uint8Array[];
  hash: Uint8Array;
  proposerAddress: Uint8Array;
  /** Evidence committed in this block; [] when there is none. */
  misbehavior: Misbehavior[];
}

export interface FinalizeBlockResult {
  txResults: ExecTxResult[];
  events: Event[];
  appHash: Uint8Array;
  /**
   * Changes of the validator set decided by this block's EndBlock: sorted by pubKey bytes, one
   * per pubKey, power 0 removes. CometBFT applies them at height + 2.
   */
  validatorUpdates: ValidatorUpdate[];
}

export interface Application {
  info(): AppInfo;
  query(req: QueryRequest): QueryResponse;
  /**
   * Mempool admission on the check state. "recheck" re-runs a tx already in the mempool after a
   * block; "dryRun" checks without changing the check state (the check_tx RPC).
   */
  checkTx(tx: Uint8Array, kind?: CheckTxKind): CheckTxResult;
  initChain(req: InitChainRequest): Promise<InitChainResult>;
  /** Picks txs for a proposal in order, within maxBytes. */
  prepareProposal(txs: Uint8Array[], maxBytes: number): Uint8Array[];
  processProposal(txs: Uint8Array[]): boolean;
  finalizeBlock(req: FinalizeBlockRequest): FinalizeBlockResult;
  /** Persists the state of the last finalized block atomically; resets the check state. */
  commit(): Promise<void>;
}
