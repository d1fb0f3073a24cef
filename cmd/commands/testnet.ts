// `openledgerd testnet init --validators N --output DIR`: homes for a local multi-validator chain
// (see testnet/README.md), and the `start` command line of each node; `testnet start` runs them all.
import type { Command } from "commander";
import {
  DEFAULT_TESTNET_BASE_PORT,
  DEFAULT_TESTNET_CHAIN_ID,
  initTestnet,
  shellQuote,
} from "../../node/genesis/testnet.js";
import { hasTestnet, readManifest, startNodes, stopNodes } from "../../testnet/launcher.js";
import { expandHome } from "../cli.js";
import { Keyring } from "../keyring.js";

export function registerTestnetCommands(program: Command): void {
  const testnet = program.command("testnet").description("local multi-validator test networks");
  testnet
    .command("init")
    .description("create N node homes (DIR/node0…) sharing one genesis, and print how to start each node")
    .requiredOption("--validators <n>", "number of validators (each with power 10)")
    .requiredOption("--output <dir>", "directory for the node homes, peers.txt and start-commands.txt")
    .option("--chain-id <id>", "chain id", DEFAULT_TESTNET_CHAIN_ID)
    .option(
      "--base-port <port>",
      "node i uses p2p port P+10i, RPC P+10i+1, metrics P+10i+2",
      String(DEFAULT_TESTNET_BASE_PORT),
    )
    .action(async (opts: InitFlags) => {
      await initFromFlags(opts);
    });
  testnet
    .command("start")
    .description(
      "start every node of DIR as its own process (running init first when DIR has no testnet), print their RPC addresses; Ctrl-C stops them all. Other flags (e.g. --consensus.timeout_commit 200) go to each node's start",
    )
    .option("--validators <n>", "number of validators when DIR has no testnet yet", "4")
    .option("--output <dir>", "directory of the testnet", ".openledger-testnet")
    .option("--chain-id <id>", "chain id (init)", DEFAULT_TESTNET_CHAIN_ID)
    .option("--base-port <port>", "first port (init)", String(DEFAULT_TESTNET_BASE_PORT))
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (opts: InitFlags, cmd: Command) => {
      const dir = expandHome(opts.output);
      if (!hasTestnet(dir)) await initFromFlags({ ...opts, output: dir });
      const manifest = await readManifest(dir);
      const nodes = await startNodes(manifest, cmd.args);
      process.stdout.write(`${manifest.chainId}: ${nodes.length} nodes running (Ctrl-C stops them all)\n`);
      for (const n of nodes) process.stdout.write(`${n.moniker}  rpc ${n.rpc}  log ${n.log}\n`);
      let stopping = false;
      const stop = async (code: number) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write("stopping the testnet…\n");
        await stopNodes(nodes);
        process.stdout.write("all nodes stopped\n");
        process.exit(code);
      };
      process.once("SIGINT", () => void stop(0));
      process.once("SIGTERM", () => void stop(0));
      for (const n of nodes) {
        void n.exited.then((code) => {
          if (stopping) return;
          process.stderr.write(`${n.moniker} exited with code ${code} (see ${n.log}); stopping the others\n`);
          void stop(1);
        });
      }
      await new Promise(() => undefined); // runs until a signal or a node exits
    });
}

interface InitFlags {
  validators: string;
  output: string;
  chainId: string;
  basePort: string;
}

async function initFromFlags(opts: InitFlags): Promise<void> {
  const validators = intFlag("--validators", opts.validators);
  const basePort = intFlag("--base-port", opts.basePort);
  const output = expandHome(opts.output);
  const { genesis, nodes } = await initTestnet({ validators, output, chainId: opts.chainId, basePort });
  // Each validator's operator account, in its node's keyring (backend "test", as the dev keys).
  for (const n of nodes) {
    await new Keyring({ home: n.home, backend: "test" }).add("operator", { mnemonic: n.operator.mnemonic });
  }
  process.stdout.write(
    `initialized ${genesis.chain_id} with ${nodes.length} validators in ${output} (peers: ${output}/peers.txt)\n`,
  );
  process.stdout.write(
    'each node\'s validator operator is the key "operator" in its home (--keyring-backend test)\n',
  );
  process.stdout.write(
    "start each node (one terminal each), or all at once with `openledgerd testnet start`:\n",
  );
  for (const n of nodes) process.stdout.write(`openledgerd ${n.startArgs.map(shellQuote).join(" ")}\n`);
}

function intFlag(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} must be a positive integer, got "${value}"`);
  return Number(value);
}
