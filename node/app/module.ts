// What a module gives baseapp: its message types, query routes, genesis and block hooks.
// Modules see only a Context; they never import consensus, p2p or rpc.
import type { Any } from "cosmjs-types/google/protobuf/any";
import type { Misbehavior, ValidatorUpdate } from "./application.js";
import type { Context } from "./context.js";

export interface MsgType<M> {
  typeUrl: string;
  /** Protobuf decode; a throw becomes SDK code 2 (tx parse error). */
  decode(bytes: Uint8Array): M;
  /** Bech32 addresses that must sign, in order (the SDK's cosmos.msg.v1.signer fields). */
  signers(msg: M): string[];
  /** Stateless checks; throws an AbciError. */
  validateBasic(msg: M): void;
  /** Executes the message; returns its response as an Any for TxMsgData. */
  handle(ctx: Context, msg: M): Any;
}

export interface QueryRoute {
  /** gRPC-style path, e.g. "/cosmos.bank.v1beta1.Query/Balance". */
  path: string;
  /** Decodes the request, answers with encoded response bytes; throws an AbciError. */
  handle(ctx: Context, request: Uint8Array): Uint8Array;
}

export interface Module<G = unknown> {
  /** Module name, also the name of the one store it owns. */
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: each module lists message types of its own shape
  msgs: MsgType<any>[];
  queries: QueryRoute[];
  defaultGenesis(): G;
  /** Parses and checks the module's app_state JSON; throws with a clear message. */
  parseGenesis(json: unknown): G;
  /**
   * Writes the module's genesis state. The module that decides the validator set (staking) returns
   * the initial set; at most one module may return a non-empty list.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: modules without a validator set return nothing
  initGenesis(ctx: Context, genesis: G): ValidatorUpdate[] | void;
  /** Exact inverse of initGenesis: exporting then importing gives the same state. */
  exportGenesis(ctx: Context): G;
  /** Genesis as JSON (bigints as strings), as it is written to genesis.json. */
  genesisToJson(genesis: G): unknown;
  /** Runs before the block's txs, with the evidence the block commits. */
  beginBlock?(ctx: Context, req: BeginBlockRequest): void;
  /**
   * Runs after the block's txs. The module that decides the validator set returns its changes; at
   * most one module may return a non-empty list.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: modules without a validator set return nothing
  endBlock?(ctx: Context): ValidatorUpdate[] | void;
}

export interface BeginBlockRequest {
  misbehavior: readonly Misbehavior[];
}
