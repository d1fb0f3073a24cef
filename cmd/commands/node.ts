// `openledgerd init` and `openledgerd start`: create a node home, run a node.
import { readFile } from "node:fs/promises";
import { type Command, Option } from "commander";
import { formatAddress, parseAddress } from "../../node/app/address.js";
import { devGenesis } from "../../node/genesis/dev-genesis.js";
import { defaultConsensusParams, validatorJson } from "../../node/genesis/genesis-doc.js";
import { initHome, isInitialized } from "../../node/genesis/init-home.js";
import { createLogger } from "../../node/logger.js";
import { Node } from "../../node/node.js";
import { DEFAULT_NODE_OPTIONS, homePaths, type NodeOptions } from "../../node/options.js";
import { parsePersistentPeers } from "../../node/p2p/persistent-peers.js";
import { parseLaddr } from "../../node/rpc/server.js";
import { nowTimestamp, timestampToRfc3339 } from "../../node/types/time.js";
import { globalOptions } from "../cli.js";
import { Keyring } from "../keyring.js";

const DEV_ACCOUNTS = new URL("../../genesis/dev-accounts.json", import.meta.url);

export function registerNodeCommands(program: Command): void {
  program
    .command("init <moniker>")
    .description("create a node home: validator and node keys and a one-validator genesis with no accounts")
    .requiredOption("--chain-id <id>", "chain id of the new chain")
    .action(async (moniker: string, opts: { chainId: string }, cmd: Command) => {
      const { home } = globalOptions(cmd);
      const { genesis } = await initHome(home, (pubKey) => ({
        genesis_time: timestampToRfc3339(nowTimestamp()),
        chain_id: opts.chainId,
        initial_height: "1",
        consensus_params: defaultConsensusParams(),
        validators: [validatorJson(pubKey, 10n, moniker)],
        app_hash: "",
        app_state: { auth: { accounts: [] }, bank: { balances: [] } },
      }));
      process.stdout.write(
        `initialized ${genesis.chain_id} in ${home} (genesis: ${homePaths(home).genesis})\n`,
      );
    });

  program
    .command("start")
    .description("run the node; with --dev, create a single-validator dev chain in --home the first time")
    .option("--dev", "use (and create if missing) the dev chain openledger-dev-1 with funded dev accounts")
    .option("--moniker <name>", "node name shown in status", DEFAULT_NODE_OPTIONS.moniker)
    .option("--rpc.laddr <addr>", "RPC listen address", DEFAULT_NODE_OPTIONS.rpcLaddr)
    .option("--p2p.laddr <multiaddr>", "p2p listen multiaddr", DEFAULT_NODE_OPTIONS.p2pLaddr)
    .option(
      "--metrics.laddr <addr>",
      'Prometheus listen address ("" disables)',
      DEFAULT_NODE_OPTIONS.metricsLaddr,
    )
    .addOption(
      new Option("--block-interval <ms>", "target milliseconds between blocks")
        .default(DEFAULT_NODE_OPTIONS.blockIntervalMs)
        .argParser(positiveInt("--block-interval")),
    )
    .addOption(
      new Option(
        "--pruning-keep-recent <n>",
        "recent heights whose state stays queryable (abci_query height, proofs); 1 keeps only the latest",
      )
        .default(DEFAULT_NODE_OPTIONS.pruningKeepRecent)
        .argParser(positiveInt("--pruning-keep-recent")),
    )
    .option(
      "--p2p.persistent_peers <multiaddrs>",
      "multi-validator chains: comma-separated peers to keep connected, each /ip4/HOST/tcp/PORT/p2p/<peer id>",
      "",
    )
    .addOption(
      new Option("--consensus.timeout_propose <ms>", "BFT: wait for a proposal (default 3000)").argParser(
        nonNegativeInt("--consensus.timeout_propose"),
      ),
    )
    .addOption(
      new Option(
        "--consensus.timeout_prevote <ms>",
        "BFT: wait after +2/3 any prevotes (default 1000)",
      ).argParser(nonNegativeInt("--consensus.timeout_prevote")),
    )
    .addOption(
      new Option(
        "--consensus.timeout_precommit <ms>",
        "BFT: wait after +2/3 any precommits (default 1000)",
      ).argParser(nonNegativeInt("--consensus.timeout_precommit")),
    )
    .addOption(
      new Option("--consensus.timeout_commit <ms>", "BFT: wait after a commit (default 1000)").argParser(
        nonNegativeInt("--consensus.timeout_commit"),
      ),
    )
    .option(
      "--attribution.operator <key>",
      "key (test keyring of the home) of this validator's operator account: signs attribution results; none disables the worker",
      "operator",
    )
    .option(
      "--dev-keys",
      "with --dev, when the chain is created: put genesis/dev-accounts.json's public test keys in the home's test keyring (alice, the validator's operator, then signs attribution results and x402 settlements)",
    )
    .option(
      "--x402.min-amount <uopen>",
      "the facilitator settles only payments of at least this many uopen (its account pays each settlement's gas)",
    )
    .option(
      "--x402.payees <addresses>",
      "the facilitator settles only payments to these comma-separated addresses (default: any)",
    )
    .option(
      "--x402.facilitator <key>",
      "key (test keyring of the home) of the x402 facilitator account, which signs and pays for settlements at /x402/; none turns it off",
      "operator",
    )
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const { home, logFormat } = globalOptions(cmd);
      const consensusTimeouts: NonNullable<NodeOptions["consensusTimeouts"]> = {};
      for (const name of ["propose", "prevote", "precommit", "commit"] as const) {
        const v = opts[`consensus.timeout_${name}`];
        if (v !== undefined) consensusTimeouts[name] = Number(v);
      }
      const logger = createLogger(logFormat);
      const options: NodeOptions = {
        ...DEFAULT_NODE_OPTIONS,
        home,
        logFormat,
        moniker: String(opts.moniker),
        rpcLaddr: String(opts["rpc.laddr"] ?? opts.rpcLaddr),
        p2pLaddr: checkMultiaddr(String(opts["p2p.laddr"] ?? opts.p2pLaddr)),
        metricsLaddr: String(opts["metrics.laddr"] ?? opts.metricsLaddr),
        blockIntervalMs: Number(opts.blockInterval),
        pruningKeepRecent: Number(opts.pruningKeepRecent),
        persistentPeers: parsePersistentPeers(String(opts["p2p.persistent_peers"] ?? "")),
        consensusTimeouts,
      };
      parseLaddr(options.rpcLaddr);
      if (options.metricsLaddr) parseLaddr(options.metricsLaddr);
      if (!isInitialized(home)) {
        if (!opts.dev) throw new Error(`${home} has no genesis: run "openledgerd init" first, or use --dev`);
        await initHome(home, (pubKey) => devGenesis(pubKey));
        logger.info({ home }, "created the dev chain openledger-dev-1");
        if (opts.devKeys) await addDevKeys(home, logger);
      }
      const keyring = new Keyring({ home, backend: "test" });
      // With --dev-keys the dev validator's operator is alice's key (the keyring holds one name per key).
      const devOperator = opts.devKeys && !(await keyring.has("operator")) ? "alice" : "operator";
      const keyOption = (flag: string) => {
        const v = String(opts[flag] ?? "operator");
        return v === "operator" ? devOperator : v;
      };
      const operatorKey = keyOption("attribution.operator");
      if (operatorKey !== "none" && (await keyring.has(operatorKey))) {
        options.attributionOperator = await keyring.nativeSigner(operatorKey);
      } else {
        logger.info(
          { key: operatorKey },
          "no operator key in the test keyring: the attribution worker is off",
        );
      }
      const facilitatorKey = keyOption("x402.facilitator");
      const policy = facilitatorPolicy(opts["x402.minAmount"], opts["x402.payees"]);
      if (facilitatorKey !== "none" && (await keyring.has(facilitatorKey))) {
        options.x402Facilitator = await keyring.nativeSigner(facilitatorKey);
        options.x402Policy = policy;
      } else {
        logger.info({ key: facilitatorKey }, "no facilitator key in the test keyring: /x402/ is off");
      }
      const node = await Node.start(options, logger);
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, "shutting down");
        node.stop().then(
          () => process.exit(0),
          (err) => {
            logger.error({ err }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.on("SIGINT", () => shutdown("SIGINT"));
      process.on("SIGTERM", () => shutdown("SIGTERM"));
    });
}

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new Error(`${flag} must be a positive integer, got "${value}"`);
    return n;
  };
}

function nonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
      throw new Error(`${flag} must be a non-negative integer of milliseconds, got "${value}"`);
    return n;
  };
}

function checkMultiaddr(addr: string): string {
  if (!/^\/ip[46]\/[^/]+\/tcp\/\d{1,5}$/.test(addr)) {
    throw new Error(`--p2p.laddr must look like /ip4/127.0.0.1/tcp/26656, got "${addr}"`);
  }
  return addr;
}

/** The dev accounts' public test keys, in the home's test keyring (alice is the validator's operator). */
async function addDevKeys(home: string, logger: { info: (o: object, m: string) => void }): Promise<void> {
  const accounts = JSON.parse(await readFile(DEV_ACCOUNTS, "utf8")) as { name: string; mnemonic: string }[];
  const keyring = new Keyring({ home, backend: "test" });
  const keys = accounts.map((a) => [a.name, a.mnemonic] as const);
  for (const [name, mnemonic] of keys) if (!(await keyring.has(name))) await keyring.add(name, { mnemonic });
  logger.info({ keys: keys.map(([n]) => n) }, "added the dev accounts' test keys to the home's test keyring");
}

/** --x402.min-amount and --x402.payees, checked. */
function facilitatorPolicy(minAmount: unknown, payees: unknown): NonNullable<NodeOptions["x402Policy"]> {
  const policy: NonNullable<NodeOptions["x402Policy"]> = {};
  if (minAmount !== undefined) {
    if (typeof minAmount !== "string" || !/^[0-9]{1,30}$/.test(minAmount))
      throw new Error(`--x402.min-amount must be an amount of uopen, got "${String(minAmount)}"`);
    policy.minAmount = BigInt(minAmount);
  }
  if (payees !== undefined) {
    const list = String(payees)
      .split(",")
      .map((a) => a.trim())
      .filter((a) => a !== "");
    for (const a of list) parseAddress(a);
    if (list.length === 0) throw new Error("--x402.payees needs at least one address");
    policy.payees = new Set(list.map((a) => formatAddress(parseAddress(a))));
  }
  return policy;
}
