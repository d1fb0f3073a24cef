// CometBFT 0.38 JSON for ABCI results: events, tx results, check_tx, abci_info/abci_query,
// block_results, consensus params and the websocket event payloads.
import type { Duration } from "cosmjs-types/google/protobuf/duration";
import type {
  Event,
  ExecTxResult,
  ResponseCheckTx,
  ResponseFinalizeBlock,
  ResponseInfo,
  ResponseQuery,
  TxResult,
  ValidatorUpdate,
} from "cosmjs-types/tendermint/abci/types";
import type { ConsensusParams } from "cosmjs-types/tendermint/types/params";
import { int64, toBase64, toBase64OrNull, toHexUpper, txHash } from "./encoding.js";
import type { Json } from "./json.js";

/** Attributes with an empty key are dropped: cosmjs throws on them. */
export function eventJson(e: Event): Json {
  return {
    type: e.type,
    attributes: e.attributes
      .filter((a) => a.key !== "")
      .map((a) => ({ key: a.key, value: a.value, index: a.index })),
  };
}

export const eventsJson = (events: readonly Event[]): Json[] => events.map(eventJson);

export function execTxResultJson(r: ExecTxResult | ResponseCheckTx): Json {
  return {
    code: r.code,
    data: toBase64(r.data ?? new Uint8Array()),
    log: r.log,
    info: r.info,
    gas_wanted: int64(r.gasWanted),
    gas_used: int64(r.gasUsed),
    events: eventsJson(r.events),
    codespace: r.codespace,
  };
}

/** ResultTx of the tx and tx_search methods. */
export function resultTxJson(t: TxResult): Json {
  return {
    hash: toHexUpper(txHash(t.tx)),
    height: int64(t.height),
    index: t.index,
    tx_result: execTxResultJson(t.result),
    tx: toBase64(t.tx),
  };
}

export function abciInfoJson(r: ResponseInfo): Json {
  return {
    response: {
      data: r.data,
      version: r.version,
      app_version: int64(r.appVersion),
      last_block_height: int64(r.lastBlockHeight),
      last_block_app_hash: toBase64(r.lastBlockAppHash),
    },
  };
}

export function abciQueryJson(r: ResponseQuery): Json {
  return {
    response: {
      code: r.code,
      log: r.log,
      info: r.info,
      index: int64(r.index),
      key: toBase64OrNull(r.key),
      value: toBase64OrNull(r.value),
      proofOps: r.proofOps
        ? {
            ops: r.proofOps.ops.map((op) => ({
              type: op.type,
              key: toBase64(op.key),
              data: toBase64(op.data),
            })),
          }
        : null,
      height: int64(r.height),
      codespace: r.codespace,
    },
  };
}

/** abci.ValidatorUpdate: its PublicKey oneof is written as cmtjson writes a registered interface. */
export function validatorUpdateJson(v: ValidatorUpdate): Json {
  const sum = v.pubKey?.ed25519
    ? { type: "tendermint.crypto.PublicKey_Ed25519", value: { ed25519: toBase64(v.pubKey.ed25519) } }
    : {
        type: "tendermint.crypto.PublicKey_Secp256K1",
        value: { secp256k1: toBase64(v.pubKey?.secp256k1 ?? new Uint8Array()) },
      };
  return { pub_key: { Sum: sum }, power: int64(v.power) };
}

const durationNanos = (d: Duration | undefined): string =>
  d ? (d.seconds * 1_000_000_000n + BigInt(d.nanos)).toString() : "0";

export function consensusParamsJson(p: ConsensusParams | undefined): Json {
  if (!p) return null;
  return {
    block: p.block ? { max_bytes: int64(p.block.maxBytes), max_gas: int64(p.block.maxGas) } : null,
    evidence: p.evidence
      ? {
          max_age_num_blocks: int64(p.evidence.maxAgeNumBlocks),
          max_age_duration: durationNanos(p.evidence.maxAgeDuration),
          max_bytes: int64(p.evidence.maxBytes),
        }
      : null,
    validator: p.validator ? { pub_key_types: p.validator.pubKeyTypes } : null,
    version: p.version ? { app: int64(p.version.app) } : null,
    abci: p.abci ? { vote_extensions_enable_height: int64(p.abci.voteExtensionsEnableHeight) } : null,
  };
}

export function blockResultsJson(height: bigint, r: ResponseFinalizeBlock): Json {
  return {
    height: int64(height),
    txs_results: r.txResults.length > 0 ? r.txResults.map(execTxResultJson) : null,
    finalize_block_events: eventsJson(r.events),
    validator_updates: r.validatorUpdates.map(validatorUpdateJson),
    consensus_param_updates: consensusParamsJson(r.consensusParamUpdates),
    app_hash: toBase64(r.appHash),
  };
}

/** abci.ResponseFinalizeBlock as the NewBlock event carries it. */
export function finalizeBlockJson(r: ResponseFinalizeBlock): Json {
  return {
    events: eventsJson(r.events),
    tx_results: r.txResults.map(execTxResultJson),
    validator_updates: r.validatorUpdates.map(validatorUpdateJson),
    consensus_param_updates: consensusParamsJson(r.consensusParamUpdates),
    app_hash: toBase64(r.appHash),
  };
}

/** ResultBroadcastTx (sync and async). data stays "" (cosmjs base64-decodes it). */
export function broadcastJson(hash: Uint8Array, r?: ResponseCheckTx): Json {
  return {
    code: r?.code ?? 0,
    data: "",
    log: r?.log ?? "",
    codespace: r?.codespace ?? "",
    hash: toHexUpper(hash),
  };
}
