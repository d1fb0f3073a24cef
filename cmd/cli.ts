// Shared pieces of the openledgerd CLI: the registrar type, global options, and the options and helpers
// that several command groups use (keyring backend, output format).
import { homedir } from "node:os";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { KEYRING_BACKENDS, Keyring, type KeyringBackend, type PassphraseProvider } from "./keyring.js";
import { readLine } from "./prompt.js";

/** A command group: adds its commands to the program. cmd/main.ts calls each one. */
export type Registrar = (program: Command) => void;

export const DEFAULT_HOME = "~/.openledger";
export const LOG_FORMATS = ["plain", "json"] as const;
export const OUTPUT_FORMATS = ["text", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
/** Read by the `file` backend instead of prompting, when set (scripts, CI). */
export const PASSPHRASE_ENV = "OPENLEDGER_KEYRING_PASSPHRASE";

export interface GlobalOptions {
  /** Absolute, with `~` expanded. */
  home: string;
  logFormat: (typeof LOG_FORMATS)[number];
  trace: boolean;
}

export function expandHome(dir: string): string {
  if (dir === "~") return homedir();
  if (dir.startsWith("~/")) return resolve(homedir(), dir.slice(2));
  return resolve(dir);
}

/** The program-wide options, from inside any command's action (pass the action's Command). */
export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<{ home: string; logFormat: GlobalOptions["logFormat"]; trace?: boolean }>();
  return { home: expandHome(o.home), logFormat: o.logFormat, trace: Boolean(o.trace) };
}

export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(new Option("--home <dir>", "node home directory").default(DEFAULT_HOME))
    .addOption(new Option("--log-format <format>", "log format").choices(LOG_FORMATS).default("plain"))
    .option("--trace", "print full stack traces on errors");
}

/** `--keyring-backend test|file` (default file, or $OPENLEDGER_KEYRING_BACKEND). */
export function addKeyringOption(cmd: Command): Command {
  return cmd.addOption(
    new Option(
      "--keyring-backend <backend>",
      "keyring backend: test (unencrypted, dev only) or file (encrypted)",
    )
      .choices(KEYRING_BACKENDS)
      .default("file")
      .env("OPENLEDGER_KEYRING_BACKEND"),
  );
}

/** `-o, --output text|json` (default text). */
export function addOutputOption(cmd: Command): Command {
  return cmd.addOption(
    new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS).default("text"),
  );
}

/** Asks for the `file` backend's passphrase: $OPENLEDGER_KEYRING_PASSPHRASE, else a line of stdin. */
export const cliPassphrase: PassphraseProvider = async (purpose, keyName) => {
  const fromEnv = process.env[PASSPHRASE_ENV];
  if (fromEnv !== undefined) return fromEnv;
  const prompt =
    purpose === "encrypt" ? "Enter a keyring passphrase (8+ characters): " : "Enter keyring passphrase: ";
  const passphrase = await readLine(`the keyring passphrase for key "${keyName}"`, { prompt, hidden: true });
  if (purpose === "encrypt" && process.stdin.isTTY) {
    const again = await readLine("the passphrase again", { prompt: "Re-enter passphrase: ", hidden: true });
    if (again !== passphrase) throw new Error("passphrases do not match");
  }
  return passphrase;
};

/** The keyring chosen by the command's --home and --keyring-backend options. */
export function openKeyring(cmd: Command): Keyring {
  const { keyringBackend } = cmd.optsWithGlobals<{ keyringBackend: KeyringBackend }>();
  return new Keyring({ home: globalOptions(cmd).home, backend: keyringBackend, passphrase: cliPassphrase });
}

export function outputFormat(cmd: Command): OutputFormat {
  return cmd.optsWithGlobals<{ output?: OutputFormat }>().output ?? "text";
}

/** Prints `value` as one line of JSON, or `text` as is, to stdout. */
export function printResult(format: OutputFormat, value: unknown, text: string): void {
  process.stdout.write(
    format === "json" ? `${JSON.stringify(value)}\n` : text.endsWith("\n") ? text : `${text}\n`,
  );
}
