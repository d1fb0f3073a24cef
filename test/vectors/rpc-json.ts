// Test helper: CometBFT JSON-RPC shapes (hex hashes, base64 bytes, RFC3339 times, string ints)
// → cosmjs-types structs, for the recorded CometBFT v0.38 fixtures.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { BlockID, Commit, CommitSig, Header } from "cosmjs-types/tendermint/types/types";
import { rfc3339ToTimestamp } from "../../node/types/time.js";

// biome-ignore lint/suspicious/noExplicitAny: raw JSON fixtures
type Json = any;

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "cometbft-v0.38-kvstore");

export function loadFixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")).result;
}

export const fromHex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));
export const fromB64 = (s: string | null): Uint8Array => new Uint8Array(Buffer.from(s ?? "", "base64"));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();

export function blockIdFromJson(j: Json): BlockID {
  return { hash: fromHex(j.hash), partSetHeader: { total: j.parts.total, hash: fromHex(j.parts.hash) } };
}

export function headerFromJson(j: Json): Header {
  return {
    version: { block: BigInt(j.version.block), app: BigInt(j.version.app ?? 0) },
    chainId: j.chain_id,
    height: BigInt(j.height),
    time: rfc3339ToTimestamp(j.time),
    lastBlockId: blockIdFromJson(j.last_block_id),
    lastCommitHash: fromHex(j.last_commit_hash),
    dataHash: fromHex(j.data_hash),
    validatorsHash: fromHex(j.validators_hash),
    nextValidatorsHash: fromHex(j.next_validators_hash),
    consensusHash: fromHex(j.consensus_hash),
    appHash: fromHex(j.app_hash),
    lastResultsHash: fromHex(j.last_results_hash),
    evidenceHash: fromHex(j.evidence_hash),
    proposerAddress: fromHex(j.proposer_address),
  };
}

function commitSigFromJson(j: Json): CommitSig {
  return {
    blockIdFlag: j.block_id_flag,
    validatorAddress: fromHex(j.validator_address ?? ""),
    timestamp: rfc3339ToTimestamp(j.timestamp),
    signature: fromB64(j.signature),
  };
}

export function commitFromJson(j: Json): Commit {
  return {
    height: BigInt(j.height),
    round: j.round,
    blockId: blockIdFromJson(j.block_id),
    signatures: j.signatures.map(commitSigFromJson),
  };
}

export function blockFromJson(j: Json): Block {
  if (j.evidence.evidence.length > 0) throw new Error("evidence not supported by this helper");
  return {
    header: headerFromJson(j.header),
    data: { txs: j.data.txs.map(fromB64) },
    evidence: { evidence: [] },
    lastCommit: commitFromJson(j.last_commit),
  };
}
