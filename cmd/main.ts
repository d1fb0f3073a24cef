// The openledgerd CLI. Each command group lives in cmd/commands/<group>.ts and exports a registrar
// (program) => void; list it in `registrars` below. Run through bin/openledgerd.js.
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { addGlobalOptions, type Registrar } from "./cli.js";
import { registerAbciCommands } from "./commands/abci.js";
import { registerAttributionCommands } from "./commands/attribution.js";
import { registerClientCommands } from "./commands/client.js";
import { registerDatanetsCommands } from "./commands/datanets.js";
import { registerGenesisCommands } from "./commands/genesis.js";
import { registerKeysCommands } from "./commands/keys.js";
import { registerLightCommands } from "./commands/light.js";
import { registerModelCommands } from "./commands/model.js";
import { registerModelsCommands } from "./commands/models.js";
import { registerNodeCommands } from "./commands/node.js";
import { registerServeModelCommands } from "./commands/serve-model.js";
import { registerSettlementCommands } from "./commands/settlement.js";
import { registerStakingCommands } from "./commands/staking.js";
import { registerTestnetCommands } from "./commands/testnet.js";
import { closePrompt } from "./prompt.js";

/** Command groups, in the order `--help` lists them. Add a group's registrar here. */
export const registrars: Registrar[] = [
  registerNodeCommands,
  registerTestnetCommands,
  registerGenesisCommands,
  registerKeysCommands,
  registerClientCommands,
  registerDatanetsCommands,
  registerModelsCommands,
  registerModelCommands,
  registerAttributionCommands,
  registerSettlementCommands,
  registerServeModelCommands,
  registerStakingCommands,
  registerAbciCommands,
  registerLightCommands,
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(): Command {
  // No commander .version(): program options are recognised after subcommands too, and `model
  // train --version N` is a datanet version. `-V` / `--version` as the first argument: see main().
  const program = new Command("openledgerd")
    .description("OpenLedger chain node and client")
    .addHelpText("after", "\n`openledgerd -V` (or --version) prints the version.");
  addGlobalOptions(program);
  for (const register of registrars) register(program);
  return program;
}

/** Runs the CLI; a failing command prints one line to stderr (its stack with --trace) and exits 1. */
export async function main(argv: string[] = process.argv): Promise<void> {
  if (argv[2] === "-V" || argv[2] === "--version") {
    process.stdout.write(`${version()}\n`);
    return;
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const trace = Boolean(program.opts().trace) || argv.includes("--trace");
    process.stderr.write(trace ? `${err.stack ?? err.message}\n` : `Error: ${err.message}\n`);
    process.exit(1);
  } finally {
    closePrompt();
  }
}
