// Client commands against a running node's RPC, through the stock cosmjs clients:
// `tx bank send`, `query bank balances`, `query tx`, `status`.
import { calculateFee, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { type Command, Option } from "commander";
import { parseAddress } from "../../node/app/address.js";
import { addKeyringOption, addOutputOption, openKeyring, outputFormat, printResult } from "../cli.js";
import { parseCoinsString } from "../coins.js";
import { addProveOptions, runProvenBalance } from "./light.js";

const DEFAULT_NODE = "http://127.0.0.1:26657";

function addNodeOption(cmd: Command): Command {
  return cmd.addOption(
    new Option("--node <url>", "RPC endpoint of a node").default(DEFAULT_NODE).env("OPENLEDGER_NODE"),
  );
}

function nodeUrl(cmd: Command): string {
  const url = cmd.optsWithGlobals<{ node: string }>().node.replace(/^tcp:\/\//, "http://");
  if (!/^https?:\/\/[^/]+/.test(url)) throw new Error(`--node must be an http(s) URL, got "${url}"`);
  return url;
}

const json = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));

export function registerClientCommands(program: Command): void {
  const tx = program.command("tx").description("sign and broadcast transactions");
  const bank = tx.command("bank").description("bank transactions");
  const send = bank
    .command("send <from-key> <to-address> <coins>")
    .description("send coins, e.g. `tx bank send alice open1… 1000uopen`; waits until the tx is in a block")
    .option("--gas-prices <price>", "gas price used with --gas auto", "0.025uopen")
    .option("--gas <gas>", 'gas limit, or "auto" to simulate', "auto")
    .option("--memo <memo>", "tx memo", "");
  addNodeOption(addKeyringOption(addOutputOption(send))).action(
    async (
      from: string,
      to: string,
      coinsText: string,
      opts: { gasPrices: string; gas: string; memo: string },
      cmd: Command,
    ) => {
      parseAddress(to, "to address");
      const coins = parseCoinsString(coinsText).map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
      const gasPrice = GasPrice.fromString(opts.gasPrices);
      const wallet = await openKeyring(cmd).signer(from);
      const [account] = await wallet.getAccounts();
      const client = await SigningStargateClient.connectWithSigner(nodeUrl(cmd), wallet, { gasPrice });
      try {
        if (opts.gas !== "auto" && !/^[1-9][0-9]*$/.test(opts.gas)) {
          throw new Error(`--gas must be "auto" or a positive integer, got "${opts.gas}"`);
        }
        const fee = opts.gas === "auto" ? "auto" : calculateFee(Number(opts.gas), gasPrice);
        const result = await client.sendTokens(account!.address, to, coins, fee, opts.memo);
        printResult(
          outputFormat(cmd),
          json(result),
          `txhash: ${result.transactionHash}\nheight: ${result.height}\ncode: ${result.code}\ngas used: ${result.gasUsed} / ${result.gasWanted}`,
        );
        if (result.code !== 0) throw new Error(`tx failed with code ${result.code}: ${result.rawLog}`);
      } finally {
        client.disconnect();
      }
    },
  );

  const query = program.command("query").alias("q").description("query a node");
  const balances = query
    .command("bank")
    .description("bank queries")
    .command("balances <address>")
    .description("all balances of an account");
  addProveOptions(balances);
  addNodeOption(addOutputOption(balances)).action(async (address: string, _opts: unknown, cmd: Command) => {
    parseAddress(address);
    if (cmd.opts<{ prove?: boolean }>().prove) return runProvenBalance(cmd, nodeUrl(cmd), address);
    const client = await StargateClient.connect(nodeUrl(cmd));
    try {
      const all = await client.getAllBalances(address);
      const text = all.length ? all.map((c) => `${c.amount}${c.denom}`).join("\n") : "(no balances)";
      printResult(outputFormat(cmd), { balances: all }, text);
    } finally {
      client.disconnect();
    }
  });

  const txQuery = query.command("tx <hash>").description("a committed tx by its hash");
  addNodeOption(addOutputOption(txQuery)).action(async (hash: string, _opts: unknown, cmd: Command) => {
    if (!/^[0-9a-fA-F]{64}$/.test(hash)) throw new Error(`tx hash must be 64 hex characters, got "${hash}"`);
    const client = await StargateClient.connect(nodeUrl(cmd));
    try {
      const found = await client.getTx(hash.toUpperCase());
      if (!found) throw new Error(`tx ${hash} not found`);
      const text = `txhash: ${found.hash}\nheight: ${found.height}\ncode: ${found.code}\ngas used: ${found.gasUsed} / ${found.gasWanted}\nevents: ${found.events.length}`;
      printResult(outputFormat(cmd), json({ ...found, tx: Buffer.from(found.tx).toString("base64") }), text);
    } finally {
      client.disconnect();
    }
  });

  const status = program.command("status").description("the node's status");
  addNodeOption(addOutputOption(status)).action(async (_opts: unknown, cmd: Command) => {
    const client = await Comet38Client.connect(nodeUrl(cmd));
    try {
      const s = await client.status();
      const text = `chain-id: ${s.nodeInfo.network}\nmoniker: ${s.nodeInfo.moniker}\nheight: ${s.syncInfo.latestBlockHeight}\ntime: ${s.syncInfo.latestBlockTime.toISOString()}\ncatching up: ${s.syncInfo.catchingUp}`;
      printResult(
        outputFormat(cmd),
        json({
          chainId: s.nodeInfo.network,
          moniker: s.nodeInfo.moniker,
          height: s.syncInfo.latestBlockHeight,
          latestBlockHash: Buffer.from(s.syncInfo.latestBlockHash).toString("hex").toUpperCase(),
          latestAppHash: Buffer.from(s.syncInfo.latestAppHash).toString("hex").toUpperCase(),
          catchingUp: s.syncInfo.catchingUp,
        }),
        text,
      );
    } finally {
      client.disconnect();
    }
  });
}
