// `openledgerd genesis add-account <address|key> <coins>`: fund an account in the home's genesis.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { parseAddress } from "../../node/app/address.js";
import type { GenesisDocJson } from "../../node/genesis/genesis-doc.js";
import { homePaths } from "../../node/options.js";
import { writeFileAtomic } from "../../node/types/keyfile.js";
import { addKeyringOption, globalOptions, openKeyring } from "../cli.js";
import { parseCoinsString } from "../coins.js";

interface AuthAccountJson {
  address: string;
  account_number: string;
  sequence: string;
}
interface BalanceJson {
  address: string;
  coins: { denom: string; amount: string }[];
}

export function registerGenesisCommands(program: Command): void {
  const genesis = program
    .command("genesis")
    .description("edit the genesis of a node home before its first start");
  const add = genesis
    .command("add-account <address-or-key> <coins>")
    .description(
      'add an account with a balance to genesis, e.g. "open1… 1000000uopen" or "alice 5uopen,7foo"',
    );
  addKeyringOption(add).action(async (who: string, coinsText: string, _opts: unknown, cmd: Command) => {
    const { home } = globalOptions(cmd);
    const address = who.startsWith("open1") ? who : (await openKeyring(cmd).show(who)).address;
    parseAddress(address);
    const coins = parseCoinsString(coinsText);
    const path = homePaths(home).genesis;
    const doc = JSON.parse(await readFile(path, "utf8")) as GenesisDocJson;
    doc.app_state.auth ??= {};
    doc.app_state.bank ??= {};
    const auth = doc.app_state.auth as { accounts?: AuthAccountJson[] };
    const bank = doc.app_state.bank as { balances?: BalanceJson[] };
    auth.accounts ??= [];
    bank.balances ??= [];
    if (
      auth.accounts.some((a) => a.address === address) ||
      bank.balances.some((b) => b.address === address)
    ) {
      throw new Error(`${address} is already in genesis`);
    }
    const next = auth.accounts.reduce(
      (n, a) => (BigInt(a.account_number) >= n ? BigInt(a.account_number) + 1n : n),
      0n,
    );
    auth.accounts.push({ address, account_number: next.toString(), sequence: "0" });
    bank.balances.push({
      address,
      coins: coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() })),
    });
    await writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`, 0o644);
    process.stdout.write(`added ${address} with ${coinsText} to ${path}\n`);
  });
}
