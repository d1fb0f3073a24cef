// `openledgerd keys add|list|show|delete`: manage the keys in <home>/keyring/.
import type { Command } from "commander";
import { addKeyringOption, addOutputOption, openKeyring, outputFormat, printResult } from "../cli.js";
import type { KeyInfo } from "../keyring.js";
import { readLine } from "../prompt.js";

function describe(keys: KeyInfo[]): string {
  return keys
    .map((k) => `- name: ${k.name}\n  type: ${k.type}\n  address: ${k.address}\n  pubkey: ${k.pubkey}\n`)
    .join("");
}

export function registerKeysCommands(program: Command): void {
  const keys = program
    .command("keys")
    .description("manage the keys of the local keyring (<home>/keyring/<backend>/)");

  const add = keys
    .command("add <name>")
    .description("create a key from a new 24-word mnemonic, or recover one with --recover")
    .option("--recover", "read the BIP-39 mnemonic to recover from stdin");
  addKeyringOption(addOutputOption(add)).action(
    async (name: string, opts: { recover?: boolean }, cmd: Command) => {
      const keyring = openKeyring(cmd);
      const mnemonic = opts.recover
        ? await readLine("a BIP-39 mnemonic", { prompt: "> Enter your bip39 mnemonic\n" })
        : undefined;
      const added = await keyring.add(name, { mnemonic });
      const { mnemonic: generated, ...info } = added;
      printResult(outputFormat(cmd), added, describe([info]));
      if (generated !== undefined && outputFormat(cmd) === "text") {
        process.stderr.write(
          "\n**Important** write this mnemonic phrase in a safe place.\n" +
            "It is the only way to recover your account.\n\n" +
            `${generated}\n`,
        );
      }
    },
  );

  const list = keys.command("list").description("list all keys");
  addKeyringOption(addOutputOption(list)).action(async (_opts: unknown, cmd: Command) => {
    const keyring = openKeyring(cmd);
    const all = await keyring.list();
    if (all.length === 0 && outputFormat(cmd) === "text") {
      process.stderr.write(`no keys in the ${keyring.backend} keyring (${keyring.dir})\n`);
      return;
    }
    printResult(outputFormat(cmd), all, describe(all));
  });

  const show = keys
    .command("show <name>")
    .description("show a key's address and public key")
    .option("-a, --address", "print only the address");
  addKeyringOption(addOutputOption(show)).action(
    async (name: string, opts: { address?: boolean }, cmd: Command) => {
      const info = await openKeyring(cmd).show(name);
      if (opts.address) printResult(outputFormat(cmd), { address: info.address }, info.address);
      else printResult(outputFormat(cmd), info, describe([info]));
    },
  );

  const del = keys
    .command("delete <name>")
    .description("delete a key (its mnemonic is gone unless you wrote it down)")
    .option("-y, --yes", "do not ask for confirmation");
  addKeyringOption(addOutputOption(del)).action(
    async (name: string, opts: { yes?: boolean }, cmd: Command) => {
      const keyring = openKeyring(cmd);
      await keyring.show(name); // fails clearly before asking if there is no such key
      if (!opts.yes) {
        const answer = await readLine("a confirmation (y/N) or --yes", {
          prompt: `Key "${name}" will be deleted. Continue? [y/N] `,
        });
        if (!/^y(es)?$/i.test(answer.trim())) throw new Error("aborted: key not deleted");
      }
      await keyring.delete(name);
      printResult(outputFormat(cmd), { deleted: name }, `deleted key "${name}"`);
    },
  );
}
