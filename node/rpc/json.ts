// CometBFT 0.38 JSON for blocks, headers, commits, validators and status (see WIRE-CONTRACT §1–2):
// int64 → string, uint32/int32 → number, hashes → upper-case hex, bytes → base64, times → RFC3339Nano.
import type { PublicKey } from "cosmjs-types/tendermint/crypto/keys";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { Evidence } from "cosmjs-types/tendermint/types/evidence";
import type {
  BlockID,
  BlockMeta,
  Commit,
  CommitSig,
  Header,
  Vote,
} from "cosmjs-types/tendermint/types/types";
import type { Validator } from "cosmjs-types/tendermint/types/validator";
import type { NodeStatus } from "./backend.js";
import { int64, toBase64, toBase64OrNull, toHexUpper } from "./encoding.js";
import { formatRfc3339Nano } from "./time.js";

/** Must start with "0.38." for cosmjs to pick its Comet38Client. */
export const COMET_VERSION = "0.38.17";
export const P2P_PROTOCOL = 8n;
export const BLOCK_PROTOCOL = 11n;

// biome-ignore lint/suspicious/noExplicitAny: JSON output
export type Json = any;

const EMPTY_BLOCK_ID = { hash: "", parts: { total: 0, hash: "" } };

export function blockIdJson(id: BlockID | undefined): Json {
  if (!id) return EMPTY_BLOCK_ID;
  return {
    hash: toHexUpper(id.hash),
    parts: {
      total: id.partSetHeader?.total ?? 0,
      hash: toHexUpper(id.partSetHeader?.hash ?? new Uint8Array()),
    },
  };
}

export function headerJson(h: Header): Json {
  return {
    version: { block: int64(h.version?.block ?? BLOCK_PROTOCOL), app: int64(h.version?.app ?? 0n) },
    chain_id: h.chainId,
    height: int64(h.height),
    time: formatRfc3339Nano(h.time),
    last_block_id: blockIdJson(h.lastBlockId),
    last_commit_hash: toHexUpper(h.lastCommitHash),
    data_hash: toHexUpper(h.dataHash),
    validators_hash: toHexUpper(h.validatorsHash),
    next_validators_hash: toHexUpper(h.nextValidatorsHash),
    consensus_hash: toHexUpper(h.consensusHash),
    app_hash: toHexUpper(h.appHash),
    last_results_hash: toHexUpper(h.lastResultsHash),
    evidence_hash: toHexUpper(h.evidenceHash),
    proposer_address: toHexUpper(h.proposerAddress),
  };
}

export function commitSigJson(sig: CommitSig): Json {
  return {
    block_id_flag: sig.blockIdFlag,
    validator_address: toHexUpper(sig.validatorAddress),
    timestamp: formatRfc3339Nano(sig.timestamp),
    signature: toBase64OrNull(sig.signature),
  };
}

export function commitJson(c: Commit | undefined): Json {
  if (!c) return { height: "0", round: 0, block_id: EMPTY_BLOCK_ID, signatures: [] };
  return {
    height: int64(c.height),
    round: c.round,
    block_id: blockIdJson(c.blockId),
    signatures: c.signatures.map(commitSigJson),
  };
}

export function blockJson(b: Block): Json {
  return {
    header: headerJson(b.header),
    data: { txs: b.data.txs.map(toBase64) },
    evidence: { evidence: (b.evidence?.evidence ?? []).map(evidenceJson) },
    last_commit: commitJson(b.lastCommit),
  };
}

/** types.Vote as CometBFT's JSON writes it (int64 as strings, bytes as base64 or null when empty). */
export function voteJson(v: Vote): Json {
  return {
    type: v.type,
    height: int64(v.height),
    round: v.round,
    block_id: blockIdJson(v.blockId),
    timestamp: formatRfc3339Nano(v.timestamp),
    validator_address: toHexUpper(v.validatorAddress),
    validator_index: v.validatorIndex,
    signature: toBase64OrNull(v.signature),
    extension: toBase64OrNull(v.extension),
    extension_signature: toBase64OrNull(v.extensionSignature),
  };
}

/** Amino-JSON evidence; DuplicateVoteEvidence's ABCI fields have no json tags in CometBFT. */
export function evidenceJson(e: Evidence): Json {
  const dv = e.duplicateVoteEvidence;
  if (dv === undefined) throw new Error("only duplicate vote evidence is committed by this chain");
  return {
    type: "tendermint/DuplicateVoteEvidence",
    value: {
      vote_a: dv.voteA && voteJson(dv.voteA),
      vote_b: dv.voteB && voteJson(dv.voteB),
      TotalVotingPower: int64(dv.totalVotingPower),
      ValidatorPower: int64(dv.validatorPower),
      Timestamp: formatRfc3339Nano(dv.timestamp),
    },
  };
}

export function blockMetaJson(m: BlockMeta): Json {
  return {
    block_id: blockIdJson(m.blockId),
    block_size: int64(m.blockSize),
    header: headerJson(m.header),
    num_txs: int64(m.numTxs),
  };
}

/** Amino-JSON public key, as status, validators and genesis carry it. */
export function pubKeyJson(pk: PublicKey | undefined): Json {
  if (pk?.ed25519) return { type: "tendermint/PubKeyEd25519", value: toBase64(pk.ed25519) };
  if (pk?.secp256k1) return { type: "tendermint/PubKeySecp256k1", value: toBase64(pk.secp256k1) };
  throw new Error("validator public key missing");
}

export function validatorJson(v: Validator): Json {
  return {
    address: toHexUpper(v.address),
    pub_key: pubKeyJson(v.pubKey),
    voting_power: int64(v.votingPower),
    proposer_priority: int64(v.proposerPriority),
  };
}

const ZERO_HASH = new Uint8Array(32);
/** cosmjs requires non-empty latest_* hashes: before the first block, write 32 zero bytes. */
const nonEmpty = (b: Uint8Array) => toHexUpper(b.length > 0 ? b : ZERO_HASH);

export function statusJson(s: NodeStatus, extra: { rpcAddress: string; txIndex: boolean }): Json {
  return {
    node_info: {
      protocol_version: { p2p: int64(P2P_PROTOCOL), block: int64(BLOCK_PROTOCOL), app: "0" },
      id: s.nodeId,
      listen_addr: s.listenAddr,
      network: s.chainId,
      version: COMET_VERSION,
      channels: "40202122233038606100",
      moniker: s.moniker,
      other: { tx_index: extra.txIndex ? "on" : "off", rpc_address: extra.rpcAddress, ...s.other },
    },
    sync_info: {
      latest_block_hash: nonEmpty(s.latest.blockHash),
      latest_app_hash: nonEmpty(s.latest.appHash),
      latest_block_height: int64(s.latest.height),
      latest_block_time: formatRfc3339Nano(s.latest.time),
      earliest_block_hash: nonEmpty(s.earliest.blockHash),
      earliest_app_hash: nonEmpty(s.earliest.appHash),
      earliest_block_height: int64(s.earliest.height),
      earliest_block_time: formatRfc3339Nano(s.earliest.time),
      catching_up: s.catchingUp,
    },
    validator_info: {
      address: toHexUpper(s.validator.address),
      pub_key: pubKeyJson({ ed25519: s.validator.pubKey }),
      voting_power: int64(s.validator.votingPower),
    },
  };
}
