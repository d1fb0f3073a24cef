// RPC helpers for the multi-process testnet tests: heights, block hashes, who signed a commit.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { toHex } from "@cosmjs/encoding";
import { QueryClient, setupStakingExtension } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { pubKeyToAddress } from "../../node/types/ed25519.js";
import { eventually, type NodeProcess, rpcCall } from "./harness.js";

/** What the helpers need of a node: a NodeProcess, or any RPC address. */
type RpcNode = Pick<NodeProcess, "rpcUrl" | "running">;

/** Consensus timeouts for fast local tests (~0.5 s blocks). */
export const SHORT_TIMEOUTS = [
  "--consensus.timeout_propose",
  "1000",
  "--consensus.timeout_prevote",
  "300",
  "--consensus.timeout_precommit",
  "300",
  "--consensus.timeout_commit",
  "200",
];

const BIN = fileURLToPath(new URL("../../bin/openledgerd.js", import.meta.url));

async function call(node: RpcNode, method: string, params: Record<string, string> = {}) {
  const { json } = await rpcCall(node.rpcUrl, { jsonrpc: "2.0", id: 1, method, params });
  if (json.error !== undefined) throw new Error(`${method}: ${JSON.stringify(json.error)}`);
  return json.result as Record<string, unknown>;
}

/** Latest height, or undefined when the node does not answer. */
export async function heightOf(node: RpcNode): Promise<bigint | undefined> {
  if (!node.running) return undefined;
  try {
    const r = (await call(node, "status")) as { sync_info: { latest_block_height: string } };
    return BigInt(r.sync_info.latest_block_height);
  } catch {
    return undefined;
  }
}

export async function validatorAddress(node: NodeProcess): Promise<string> {
  const r = (await call(node, "status")) as { validator_info: { address: string } };
  return r.validator_info.address;
}

export async function blockHash(node: NodeProcess, height: bigint): Promise<string> {
  const r = (await call(node, "block", { height: height.toString() })) as { block_id: { hash: string } };
  return r.block_id.hash;
}

/** Validator addresses whose COMMIT signature is in the commit of a height. */
export async function commitSigners(node: NodeProcess, height: bigint): Promise<string[]> {
  const r = (await call(node, "commit", { height: height.toString() })) as {
    signed_header: { commit: { signatures: { block_id_flag: number; validator_address: string }[] } };
  };
  return r.signed_header.commit.signatures
    .filter((s) => s.block_id_flag === 2)
    .map((s) => s.validator_address);
}

/** Waits until every node is at `height` or above; answers the lowest height among them. */
export async function allAtLeast(nodes: RpcNode[], height: bigint, timeoutMs: number): Promise<bigint> {
  return eventually(
    async () => {
      const seen = await Promise.all(nodes.map(heightOf));
      if (seen.some((h) => h === undefined || h < height)) return undefined;
      let min = seen[0]!;
      for (const h of seen) if (h! < min) min = h!;
      return min;
    },
    `height ${height} on ${nodes.length} nodes`,
    timeoutMs,
    200,
  );
}

/** Every height from `from` to `to` has the same block hash (so the same txs, order and app hash). */
export async function sameChain(nodes: NodeProcess[], from: bigint, to: bigint): Promise<void> {
  for (let h = from; h <= to; h++) {
    const hashes = await Promise.all(nodes.map((n) => blockHash(n, h)));
    for (const x of hashes) assert.equal(x, hashes[0], `block ${h} differs: ${hashes.join(" ")}`);
    assert.match(hashes[0]!, /^[0-9A-F]{64}$/);
  }
}

/** Waits for a commit after `after` that carries the validator's signature. */
export async function waitForSignature(
  node: NodeProcess,
  address: string,
  after: bigint,
  timeoutMs: number,
): Promise<bigint> {
  let next = after + 1n;
  return eventually(
    async () => {
      const top = await heightOf(node);
      for (; top !== undefined && next < top; next++) {
        if ((await commitSigners(node, next)).includes(address)) return next;
      }
      return undefined;
    },
    `a commit signed by ${address}`,
    timeoutMs,
    200,
  );
}

/** The validator set the node serves for a height (latest when omitted). */
export async function validatorsAt(
  node: RpcNode,
  height?: bigint,
): Promise<{ address: string; voting_power: string }[]> {
  const params: Record<string, string> = { per_page: "100" };
  if (height !== undefined) params.height = height.toString();
  const r = (await call(node, "validators", params)) as {
    validators: { address: string; voting_power: string }[];
  };
  return r.validators;
}

export interface EvidenceJson {
  type: string;
  value: { vote_a: { validator_address: string }; vote_b: { validator_address: string } };
}

export async function evidenceAt(node: RpcNode, height: bigint): Promise<EvidenceJson[]> {
  const r = (await call(node, "block", { height: height.toString() })) as {
    block: { evidence: { evidence: EvidenceJson[] } };
  };
  return r.block.evidence.evidence;
}

/** The staking module's record of the validator whose consensus address (hex) is given. */
export async function stakingValidator(
  rpcUrl: string,
  consensusHex: string,
): Promise<{ jailed: boolean; tokens: string }> {
  const comet = await Comet38Client.connect(rpcUrl);
  try {
    const q = QueryClient.withExtensions(comet, setupStakingExtension);
    for (const status of ["BOND_STATUS_BONDED", "BOND_STATUS_UNBONDED"] as const) {
      for (const v of (await q.staking.validators(status)).validators) {
        const key = PubKey.decode(v.consensusPubkey!.value).key;
        if (toHex(pubKeyToAddress(key)).toUpperCase() === consensusHex) return v;
      }
    }
  } finally {
    comet.disconnect();
  }
  throw new Error(`no staking validator with consensus address ${consensusHex}`);
}

/**
 * `openledgerd testnet init --validators n` in dir (on a random free-looking port range): the chain
 * id, each node's home and the arguments after `start` that run it (plus `extraArgs`).
 */
export function initTestnetHomes(
  dir: string,
  validators: number,
  extraArgs: string[] = [],
): { chainId: string; homes: string[]; startArgs: string[][] } {
  const basePort = 20_000 + 10 * Math.floor(Math.random() * 3000);
  const args = [
    "testnet",
    "init",
    "--validators",
    String(validators),
    "--output",
    dir,
    "--base-port",
    String(basePort),
  ];
  const init = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  assert.equal(init.status, 0, init.stderr);
  const lines = init.stdout.split("\n").filter((l) => l.startsWith("openledgerd start "));
  assert.equal(lines.length, validators, init.stdout);
  const homes: string[] = [];
  const startArgs: string[][] = [];
  for (const [i, line] of lines.entries()) {
    const words = line.split(" ").slice(2);
    const at = words.indexOf("--home");
    assert.equal(words[at + 1], join(dir, `node${i}`));
    homes.push(words[at + 1]!);
    startArgs.push([...words.filter((_, j) => j !== at && j !== at + 1), ...extraArgs]);
  }
  return { chainId: /initialized (\S+)/.exec(init.stdout)![1]!, homes, startArgs };
}
