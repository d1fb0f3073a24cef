// A local multi-validator testnet (`openledgerd testnet init`): N node homes under one directory,
// each with its own validator and node keys, one shared genesis listing every validator with power
// 10 and funding the dev accounts as the dev chain does, and the `start` flags of each node: distinct
// RPC, p2p and metrics ports on 127.0.0.1 and every other node as a persistent peer. Each validator
// is a staking validator operated by a fresh account of its own (funded like a dev account, a
// self-delegation of power × 10^6 uopen); its mnemonic is returned (the CLI writes it into the
// node's keyring as "operator").
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { FilePV } from "../consensus/bft/privval.js";
import { homePaths } from "../options.js";
import { type Ed25519Key, generateKey } from "../types/ed25519.js";
import { writeNodeKey, writePrivValidatorKey } from "../types/keyfile.js";
import { DEV_ACCOUNT_BALANCE, DEV_DENOM, devGenesis } from "./dev-genesis.js";
import type { GenesisDocJson } from "./genesis-doc.js";
import { setGenesisValidators } from "./genesis-validators.js";
import { initHome } from "./init-home.js";

export const DEFAULT_TESTNET_CHAIN_ID = "openledger-testnet-1";
export const DEFAULT_TESTNET_BASE_PORT = 26656;
export const TESTNET_VALIDATOR_POWER = 10n;
/** Ports of node i: base + 10·i (p2p), +1 (RPC), +2 (metrics). */
export const PORT_STRIDE = 10;

/** DIR/testnet.json: what `testnet start` runs (written by init). */
export const TESTNET_MANIFEST = "testnet.json";

export interface TestnetManifest {
  chainId: string;
  nodes: { moniker: string; home: string; rpcLaddr: string; startArgs: string[] }[];
}

export interface TestnetOptions {
  validators: number;
  output: string;
  chainId?: string;
  basePort?: number;
}

export interface TestnetNode {
  moniker: string;
  home: string;
  peerId: string;
  /** Full p2p address other nodes dial: /ip4/127.0.0.1/tcp/PORT/p2p/<peer id>. */
  p2pAddr: string;
  rpcLaddr: string;
  p2pLaddr: string;
  metricsLaddr: string;
  /** Arguments after `openledgerd` that start this node. */
  startArgs: string[];
  /** The account that operates this node's staking validator (test-only key, like the dev accounts). */
  operator: { address: string; mnemonic: string };
}

/** The libp2p peer id node/p2p/host.ts derives from a node key. */
export async function peerIdFromNodeKey(key: Ed25519Key): Promise<string> {
  const privateKey = await generateKeyPairFromSeed("Ed25519", key.seed);
  return peerIdFromPrivateKey(privateKey).toString();
}

/** Checks the options before anything is written; throws a message naming the flag. */
export function checkTestnetOptions(opts: TestnetOptions): Required<TestnetOptions> {
  const { validators } = opts;
  if (!Number.isSafeInteger(validators) || validators < 1 || validators > 100) {
    throw new Error(`--validators must be an integer in 1..100, got ${validators}`);
  }
  const basePort = opts.basePort ?? DEFAULT_TESTNET_BASE_PORT;
  if (!Number.isSafeInteger(basePort) || basePort < 1024 || basePort + PORT_STRIDE * validators > 65535) {
    throw new Error(`--base-port must leave room for ${validators} nodes in 1024..65535, got ${basePort}`);
  }
  if (!opts.output) throw new Error("--output is required");
  return { validators, output: opts.output, chainId: opts.chainId ?? DEFAULT_TESTNET_CHAIN_ID, basePort };
}

export async function initTestnet(
  options: TestnetOptions,
): Promise<{ genesis: GenesisDocJson; nodes: TestnetNode[] }> {
  const opts = checkTestnetOptions(options);
  const homes = Array.from({ length: opts.validators }, (_, i) => join(opts.output, `node${i}`));
  for (const home of homes) {
    if (existsSync(home)) throw new Error(`${home} already exists; choose an empty --output`);
  }
  const validatorKeys = homes.map(() => generateKey());
  const nodeKeys = homes.map(() => generateKey());
  const operators = await Promise.all(homes.map(() => newOperator()));
  const genesis = devGenesis(validatorKeys[0]!.pubKey);
  genesis.chain_id = opts.chainId;
  fundAccounts(
    genesis,
    operators.map((o) => o.address),
  );
  setGenesisValidators(
    genesis,
    validatorKeys.map((k, i) => ({
      pubKey: k.pubKey,
      power: TESTNET_VALIDATOR_POWER,
      name: `node${i}`,
      operator: operators[i]!.address,
    })),
  );

  const nodes: TestnetNode[] = [];
  for (const [i, home] of homes.entries()) {
    const p2pPort = opts.basePort + PORT_STRIDE * i;
    const peerId = await peerIdFromNodeKey(nodeKeys[i]!);
    nodes.push({
      moniker: `node${i}`,
      home,
      peerId,
      p2pAddr: `/ip4/127.0.0.1/tcp/${p2pPort}/p2p/${peerId}`,
      p2pLaddr: `/ip4/127.0.0.1/tcp/${p2pPort}`,
      rpcLaddr: `tcp://127.0.0.1:${p2pPort + 1}`,
      metricsLaddr: `tcp://127.0.0.1:${p2pPort + 2}`,
      startArgs: [],
      operator: operators[i]!,
    });
  }
  for (const n of nodes) {
    const peers = nodes.filter((p) => p !== n).map((p) => p.p2pAddr);
    n.startArgs = [
      "start",
      "--home",
      n.home,
      "--moniker",
      n.moniker,
      "--rpc.laddr",
      n.rpcLaddr,
      "--p2p.laddr",
      n.p2pLaddr,
      "--metrics.laddr",
      n.metricsLaddr,
      ...(peers.length > 0 ? ["--p2p.persistent_peers", peers.join(",")] : []),
    ];
  }

  for (const [i, home] of homes.entries()) {
    const paths = homePaths(home);
    await mkdir(paths.config, { recursive: true, mode: 0o700 });
    await mkdir(paths.data, { recursive: true, mode: 0o700 });
    await writePrivValidatorKey(paths.privValidatorKey, validatorKeys[i]!);
    await writeNodeKey(paths.nodeKey, nodeKeys[i]!);
    FilePV.fromKey(validatorKeys[i]!, paths.privValidatorState, true);
    await initHome(home, () => genesis);
  }
  await writeFile(join(opts.output, "peers.txt"), `${nodes.map((n) => n.p2pAddr).join("\n")}\n`);
  const manifest: TestnetManifest = {
    chainId: opts.chainId,
    nodes: nodes.map((n) => ({
      moniker: n.moniker,
      home: n.home,
      rpcLaddr: n.rpcLaddr,
      startArgs: n.startArgs,
    })),
  };
  await writeFile(join(opts.output, TESTNET_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(
    join(opts.output, "start-commands.txt"),
    `${nodes.map((n) => `openledgerd ${n.startArgs.map(shellQuote).join(" ")}`).join("\n")}\n`,
  );
  return { genesis, nodes };
}

export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

async function newOperator(): Promise<{ address: string; mnemonic: string }> {
  const wallet = await DirectSecp256k1HdWallet.generate(24, { prefix: "open" });
  const [account] = await wallet.getAccounts();
  return { address: account!.address, mnemonic: wallet.mnemonic };
}

/** Adds auth accounts (numbered after the existing ones) funded with a dev account's balance. */
function fundAccounts(genesis: GenesisDocJson, addresses: string[]): void {
  const auth = genesis.app_state.auth as {
    accounts: { address: string; account_number: string; sequence: string }[];
  };
  const bank = genesis.app_state.bank as { balances: { address: string; coins: unknown[] }[] };
  let next = BigInt(auth.accounts.length);
  for (const address of addresses) {
    auth.accounts.push({ address, account_number: String(next++), sequence: "0" });
    bank.balances.push({ address, coins: [{ denom: DEV_DENOM, amount: DEV_ACCOUNT_BALANCE.toString() }] });
  }
}
