// Fetches light blocks and proven queries from a node's CometBFT JSON-RPC (POST, JSON-RPC 2.0):
// `commit` (signed header), `validators` (all pages), `status`, `abci_query`. Nothing it returns
// is trusted: it only parses, strictly, and the verifier decides.
import type { BlockID, Commit, CommitSig, Header } from "cosmjs-types/tendermint/types/types";
import { rfc3339ToTimestamp } from "../node/types/time.js";
import { type Validator, validatorFromProto } from "../node/types/validator.js";
import { ProviderError } from "./errors.js";
import type { ProofOpLike } from "./proof.js";
import type { LightBlock } from "./verifier.js";

// biome-ignore lint/suspicious/noExplicitAny: raw JSON from the network, checked field by field
type Json = any;

const PER_PAGE = 100;
/**
 * A malicious node could report endless pages: at most this many are read (10,000 validators, as
 * CometBFT's light/provider/http caps it; CometBFT's MaxVotesCount is 10,000 too).
 */
const MAX_PAGES = 100;
const REQUEST_TIMEOUT_MS = 15_000;

function fail(what: string): never {
  throw new ProviderError(`malformed RPC answer: ${what}`);
}

function hexField(v: unknown, what: string): Uint8Array {
  if (typeof v !== "string" || !/^([0-9a-fA-F]{2})*$/.test(v)) fail(`${what} is not hex`);
  return new Uint8Array(Buffer.from(v, "hex"));
}

function b64Field(v: unknown, what: string): Uint8Array {
  if (v === null || v === undefined || v === "") return new Uint8Array(0);
  if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) fail(`${what} is not base64`);
  return new Uint8Array(Buffer.from(v, "base64"));
}

function intField(v: unknown, what: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v !== "string" || !/^-?\d+$/.test(v)) fail(`${what} is not an integer`);
  return BigInt(v);
}

function smallInt(v: unknown, what: string): number {
  const n = intField(v, what);
  if (n < 0n || n > 0xffffffffn) fail(`${what} is out of range`);
  return Number(n);
}

function timeField(v: unknown, what: string) {
  if (typeof v !== "string") fail(`${what} is not a time`);
  try {
    return rfc3339ToTimestamp(v);
  } catch {
    return fail(`${what} is not an RFC3339 time`);
  }
}

function blockIdFromJson(j: Json, what: string): BlockID {
  if (typeof j !== "object" || j === null) fail(`${what} missing`);
  return {
    hash: hexField(j.hash, `${what}.hash`),
    partSetHeader: {
      total: smallInt(j.parts?.total, `${what}.parts.total`),
      hash: hexField(j.parts?.hash, `${what}.parts.hash`),
    },
  };
}

export function headerFromJson(j: Json): Header {
  if (typeof j !== "object" || j === null) fail("header missing");
  if (typeof j.chain_id !== "string") fail("header.chain_id");
  return {
    version: {
      block: intField(j.version?.block, "header.version.block"),
      app: intField(j.version?.app ?? "0", "header.version.app"),
    },
    chainId: j.chain_id,
    height: intField(j.height, "header.height"),
    time: timeField(j.time, "header.time"),
    lastBlockId: blockIdFromJson(j.last_block_id, "header.last_block_id"),
    lastCommitHash: hexField(j.last_commit_hash, "header.last_commit_hash"),
    dataHash: hexField(j.data_hash, "header.data_hash"),
    validatorsHash: hexField(j.validators_hash, "header.validators_hash"),
    nextValidatorsHash: hexField(j.next_validators_hash, "header.next_validators_hash"),
    consensusHash: hexField(j.consensus_hash, "header.consensus_hash"),
    appHash: hexField(j.app_hash, "header.app_hash"),
    lastResultsHash: hexField(j.last_results_hash, "header.last_results_hash"),
    evidenceHash: hexField(j.evidence_hash, "header.evidence_hash"),
    proposerAddress: hexField(j.proposer_address, "header.proposer_address"),
  };
}

function commitSigFromJson(j: Json, i: number): CommitSig {
  return {
    blockIdFlag: smallInt(j?.block_id_flag, `signatures[${i}].block_id_flag`),
    validatorAddress: hexField(j?.validator_address ?? "", `signatures[${i}].validator_address`),
    timestamp: timeField(j?.timestamp, `signatures[${i}].timestamp`),
    signature: b64Field(j?.signature, `signatures[${i}].signature`),
  };
}

export function commitFromJson(j: Json): Commit {
  if (typeof j !== "object" || j === null || !Array.isArray(j.signatures)) fail("commit missing");
  return {
    height: intField(j.height, "commit.height"),
    round: smallInt(j.round, "commit.round"),
    blockId: blockIdFromJson(j.block_id, "commit.block_id"),
    signatures: j.signatures.map(commitSigFromJson),
  };
}

function validatorFromJson(j: Json, i: number): Validator {
  if (j?.pub_key?.type !== "tendermint/PubKeyEd25519") fail(`validators[${i}] is not an ed25519 validator`);
  try {
    return validatorFromProto({
      address: hexField(j.address, `validators[${i}].address`),
      pubKey: { ed25519: b64Field(j.pub_key.value, `validators[${i}].pub_key`) },
      votingPower: intField(j.voting_power, `validators[${i}].voting_power`),
      proposerPriority: intField(j.proposer_priority ?? "0", `validators[${i}].proposer_priority`),
    });
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    return fail(`validators[${i}]: ${(err as Error).message}`);
  }
}

export interface QueryAnswer {
  code: number;
  log: string;
  height: bigint;
  key: Uint8Array;
  value: Uint8Array;
  proofOps: ProofOpLike[];
}

/** A CometBFT JSON-RPC endpoint. */
export class RpcProvider {
  readonly url: string;

  constructor(url: string) {
    const u = url.replace(/^tcp:\/\//, "http://");
    if (!/^https?:\/\/[^/]+/.test(u))
      throw new ProviderError(`RPC URL must be http(s)://host:port, got "${url}"`);
    this.url = u;
  }

  async call(method: string, params: Record<string, unknown>): Promise<Json> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new ProviderError(`${method}: cannot reach ${this.url}: ${(err as Error).message}`);
    }
    let body: Json;
    try {
      body = await res.json();
    } catch {
      throw new ProviderError(`${method}: answer from ${this.url} is not JSON (HTTP ${res.status})`);
    }
    if (body?.error)
      throw new ProviderError(`${method}: ${body.error.message ?? "error"} ${body.error.data ?? ""}`.trim());
    if (body?.result === undefined)
      throw new ProviderError(`${method}: answer has no result (HTTP ${res.status})`);
    return body.result;
  }

  async status(): Promise<{ chainId: string; latestHeight: bigint }> {
    const r = await this.call("status", {});
    if (typeof r?.node_info?.network !== "string") fail("status.node_info.network");
    return {
      chainId: r.node_info.network,
      latestHeight: intField(r.sync_info?.latest_block_height, "latest_block_height"),
    };
  }

  async validators(height: bigint): Promise<Validator[]> {
    const out: Validator[] = [];
    let total: bigint | undefined;
    for (let page = 1; total === undefined || BigInt(out.length) < total; page++) {
      if (page > MAX_PAGES) fail(`validators: more than ${MAX_PAGES} pages of ${PER_PAGE}`);
      const r = await this.call("validators", {
        height: height.toString(),
        page: String(page),
        per_page: String(PER_PAGE),
      });
      if (!Array.isArray(r?.validators)) fail("validators list");
      const t = intField(r.total, "validators.total");
      if (t <= 0n || t > BigInt(MAX_PAGES * PER_PAGE)) fail(`validators.total ${t} is out of range`);
      if (total !== undefined && t !== total) fail(`validators.total changed from ${total} to ${t}`);
      total = t;
      // Every page but the last is full; none is empty or longer than asked.
      const expected = Math.min(PER_PAGE, Number(total) - out.length);
      if (r.validators.length !== expected) {
        fail(`validators page ${page} has ${r.validators.length} entries, expected ${expected}`);
      }
      for (const v of r.validators) out.push(validatorFromJson(v, out.length));
    }
    return out;
  }

  /** The signed header and validator set of a height (the latest when omitted). */
  async lightBlock(height?: bigint): Promise<LightBlock> {
    const r = await this.call("commit", height === undefined ? {} : { height: height.toString() });
    const header = headerFromJson(r?.signed_header?.header);
    const commit = commitFromJson(r?.signed_header?.commit);
    if (height !== undefined && header.height !== height) {
      throw new ProviderError(`asked for the header at height ${height}, got ${header.height}`);
    }
    return { header, commit, validators: await this.validators(header.height) };
  }

  async abciQuery(path: string, data: Uint8Array, height: bigint, prove: boolean): Promise<QueryAnswer> {
    const params: Record<string, unknown> = { path, data: Buffer.from(data).toString("hex"), prove };
    if (height !== 0n) params["height"] = height.toString(); // 0 (latest): omitted, as cosmjs
    const r = await this.call("abci_query", params);
    const q = r?.response;
    if (typeof q !== "object" || q === null) fail("abci_query.response");
    const ops: Json[] = q.proofOps?.ops ?? [];
    if (!Array.isArray(ops)) fail("proofOps.ops");
    return {
      code: Number(q.code ?? 0),
      log: String(q.log ?? ""),
      height: intField(q.height ?? "0", "response.height"),
      key: b64Field(q.key, "response.key"),
      value: b64Field(q.value, "response.value"),
      proofOps: ops.map((op, i) => ({
        type: String(op?.type ?? ""),
        key: b64Field(op?.key, `proofOps[${i}].key`),
        data: b64Field(op?.data, `proofOps[${i}].data`),
      })),
    };
  }
}
