// `openledgerd abci`: serve the application alone over the ABCI socket protocol, for CometBFT v0.38
// (`cometbft node --proxy_app tcp://127.0.0.1:26658`). See node/abci/README.md.
import type { Command } from "commander";
import { openAbciApp } from "../../node/abci/app.js";
import { AbciServer, parseAbciAddress } from "../../node/abci/server.js";
import { createLogger } from "../../node/logger.js";
import { homePaths } from "../../node/options.js";
import { globalOptions } from "../cli.js";

export const DEFAULT_ABCI_ADDRESS = "tcp://127.0.0.1:26658";

export function registerAbciCommands(program: Command): void {
  program
    .command("abci")
    .description(
      "serve the application over the ABCI socket protocol (CometBFT v0.38) instead of running the node; " +
        "reads --home's config/genesis.json, keeps state in its data/openledger.db",
    )
    .option("--address <addr>", "listen address: tcp://host:port or unix:///path", DEFAULT_ABCI_ADDRESS)
    .action(async (opts: { address: string }, cmd: Command) => {
      const { home, logFormat } = globalOptions(cmd);
      parseAbciAddress(opts.address);
      const logger = createLogger(logFormat);
      const abciApp = await openAbciApp(home);
      let server: AbciServer;
      try {
        server = await AbciServer.start(abciApp.app, {
          address: opts.address,
          initialHeight: abciApp.initialHeight,
          logger,
        });
      } catch (err) {
        await abciApp.close();
        throw err;
      }
      const info = abciApp.app.info();
      logger.info(
        {
          chainId: abciApp.chainId,
          height: info.lastBlockHeight.toString(),
          db: homePaths(home).db,
          address: server.address,
        },
        "serving the application over ABCI",
      );
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, "shutting down");
        server
          .close()
          .then(() => abciApp.close())
          .then(
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
