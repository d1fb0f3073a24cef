// A file keyring in the node's home, like the Cosmos SDK's: one JSON file per key under
// <home>/keyring/<backend>/<name>.json, mode 0600. Backend `test` stores the mnemonic in clear (dev
// only); backend `file` stores it encrypted with a passphrase (scrypt + AES-256-GCM, parameters in the
// file). Name, address and public key stay readable, so list/show/delete never need the passphrase.
import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { toBase64 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { NativeDirectSigner } from "../node/crypto/native-signer.js";
import {
  ADDRESS_PREFIX,
  DEFAULT_SCRYPT,
  decryptSecret,
  deriveKey,
  type EncryptedSecret,
  encryptSecret,
  generateMnemonic,
  HD_PATH,
  HD_PATH_STRING,
  normalizeMnemonic,
  type ScryptParams,
} from "./keyring-crypto.js";

export const KEYRING_BACKENDS = ["test", "file"] as const;
export type KeyringBackend = (typeof KEYRING_BACKENDS)[number];
export const KEY_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,64}$/;
export const MIN_PASSPHRASE_LENGTH = 8;

/** Asked for the passphrase of the `file` backend only when a secret is encrypted or decrypted. */
export type PassphraseProvider = (purpose: "encrypt" | "decrypt", keyName: string) => Promise<string>;

export interface KeyringOptions {
  /** The node's home directory; keys live in <home>/keyring/<backend>/. */
  home: string;
  backend: KeyringBackend;
  passphrase?: string | PassphraseProvider;
  /** scrypt cost for newly encrypted keys (tests lower it). */
  scrypt?: ScryptParams;
  prefix?: string;
}

/** What `show` and `list` give: never any secret. */
export interface KeyInfo {
  name: string;
  type: "local";
  address: string;
  /** base64 of the 33-byte compressed secp256k1 public key. */
  pubkey: string;
}

/** `add`'s result: `mnemonic` is there only when the keyring generated it, and only this once. */
export type AddedKey = KeyInfo & { mnemonic?: string };

interface KeyFile extends KeyInfo {
  version: 1;
  algo: "secp256k1";
  hdPath: string;
  createdAt: string;
  mnemonic?: string;
  encrypted?: EncryptedSecret;
}

export class KeyringError extends Error {
  override name = "KeyringError";
}

export function validateKeyName(name: string): void {
  if (!KEY_NAME_PATTERN.test(name)) {
    throw new KeyringError(`invalid key name ${JSON.stringify(name)}: use 1-64 of a-z A-Z 0-9 _ . -`);
  }
}

export class Keyring {
  readonly dir: string;
  readonly backend: KeyringBackend;
  private readonly prefix: string;

  constructor(private readonly opts: KeyringOptions) {
    if (!KEYRING_BACKENDS.includes(opts.backend)) {
      throw new KeyringError(
        `unknown keyring backend "${opts.backend}" (use ${KEYRING_BACKENDS.join(" or ")})`,
      );
    }
    this.backend = opts.backend;
    this.dir = join(opts.home, "keyring", opts.backend);
    this.prefix = opts.prefix ?? ADDRESS_PREFIX;
  }

  /** Adds a key from `mnemonic`, or from a fresh 24-word one that is returned once. */
  async add(name: string, { mnemonic }: { mnemonic?: string } = {}): Promise<AddedKey> {
    validateKeyName(name);
    if (await this.has(name)) throw new KeyringError(`key "${name}" already exists in ${this.where()}`);
    const phrase = mnemonic === undefined ? generateMnemonic() : normalizeMnemonic(mnemonic);
    const key = await deriveKey(phrase, this.prefix);
    const twin = (await this.list()).find((k) => k.address === key.address);
    if (twin) throw new KeyringError(`address ${key.address} is already in the keyring as "${twin.name}"`);
    const info: KeyInfo = { name, type: "local", address: key.address, pubkey: toBase64(key.pubkey) };
    const entry: KeyFile = {
      version: 1,
      ...info,
      algo: "secp256k1",
      hdPath: HD_PATH_STRING,
      createdAt: new Date().toISOString(),
    };
    if (this.backend === "test") {
      entry.mnemonic = phrase;
    } else {
      const passphrase = await this.passphrase("encrypt", name);
      if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
        throw new KeyringError(`passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
      }
      entry.encrypted = await encryptSecret(
        phrase,
        passphrase,
        key.address,
        this.opts.scrypt ?? DEFAULT_SCRYPT,
      );
    }
    await this.writeNew(name, `${JSON.stringify(entry, null, 2)}\n`);
    return mnemonic === undefined ? { ...info, mnemonic: phrase } : info;
  }

  /** All keys, sorted by name. */
  async list(): Promise<KeyInfo[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    const names = files
      .filter((f) => f.endsWith(".json") && !f.startsWith("."))
      .map((f) => f.slice(0, -".json".length))
      .filter((n) => KEY_NAME_PATTERN.test(n))
      .sort();
    return Promise.all(names.map((n) => this.show(n)));
  }

  async show(name: string): Promise<KeyInfo> {
    const { name: n, type, address, pubkey } = await this.read(name);
    return { name: n, type, address, pubkey };
  }

  async has(name: string): Promise<boolean> {
    validateKeyName(name);
    return stat(this.path(name)).then(
      () => true,
      () => false,
    );
  }

  async delete(name: string): Promise<void> {
    await this.read(name);
    await rm(this.path(name));
  }

  /**
   * A direct signer for the node's own use (attribution results, settlements): the same key and
   * signatures as signer(), signed natively (libsecp256k1), ~30× faster.
   */
  async nativeSigner(name: string): Promise<NativeDirectSigner> {
    const { phrase, address } = await this.secret(name);
    const signer = await NativeDirectSigner.fromMnemonic(phrase, {
      prefix: this.prefix,
      hdPath: HD_PATH_STRING,
    });
    const [account] = await signer.getAccounts();
    if (account?.address !== address)
      throw new KeyringError(`key "${name}": its mnemonic does not give the stored address ${address}`);
    return signer;
  }

  /** A cosmjs signer for the key (asks for the passphrase with the `file` backend). */
  async signer(name: string): Promise<DirectSecp256k1HdWallet> {
    const { phrase, address } = await this.secret(name);
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(phrase, {
      prefix: this.prefix,
      hdPaths: [HD_PATH],
    });
    const [account] = await wallet.getAccounts();
    if (account?.address !== address) {
      throw new KeyringError(`key "${name}": its mnemonic does not give the stored address ${address}`);
    }
    return wallet;
  }

  /** The key's mnemonic (decrypted with the `file` backend) and its stored address. */
  private async secret(name: string): Promise<{ phrase: string; address: string }> {
    const entry = await this.read(name);
    let phrase = entry.mnemonic;
    if (entry.encrypted) {
      const passphrase = await this.passphrase("decrypt", name);
      try {
        phrase = await decryptSecret(entry.encrypted, passphrase, entry.address);
      } catch (e) {
        throw new KeyringError(`key "${name}": ${(e as Error).message}`);
      }
    }
    if (phrase === undefined) throw new KeyringError(`key "${name}" has no secret in ${this.where()}`);
    return { phrase, address: entry.address };
  }

  private path(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  private where(): string {
    return `the ${this.backend} keyring at ${this.dir}`;
  }

  private async passphrase(purpose: "encrypt" | "decrypt", name: string): Promise<string> {
    const p = this.opts.passphrase;
    if (p === undefined)
      throw new KeyringError(`the file keyring backend needs a passphrase (key "${name}")`);
    return typeof p === "string" ? p : p(purpose, name);
  }

  private async read(name: string): Promise<KeyFile> {
    validateKeyName(name);
    let text: string;
    try {
      text = await readFile(this.path(name), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        throw new KeyringError(`key "${name}" not found in ${this.where()}`);
      }
      throw e;
    }
    let entry: KeyFile;
    try {
      entry = JSON.parse(text) as KeyFile;
    } catch {
      throw new KeyringError(`key file ${this.path(name)} is not valid JSON`);
    }
    const ok =
      entry?.version === 1 &&
      entry.name === name &&
      typeof entry.address === "string" &&
      typeof entry.pubkey === "string" &&
      (this.backend === "test"
        ? typeof entry.mnemonic === "string"
        : typeof entry.encrypted === "object" && entry.encrypted !== null);
    if (!ok) throw new KeyringError(`key file ${this.path(name)} is malformed`);
    return entry;
  }

  /** Writes a temp file (0600, synced), then links it into place, which fails if the name exists. */
  private async writeNew(name: string, data: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = this.path(name);
    const tmp = join(this.dir, `.${name}.json.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    const fh = await open(tmp, "wx", 0o600);
    try {
      await fh.writeFile(data, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await chmod(tmp, 0o600);
      await link(tmp, target).catch(async (e: NodeJS.ErrnoException) => {
        if (e.code === "EEXIST") throw new KeyringError(`key "${name}" already exists in ${this.where()}`);
        if (e.code !== "EPERM" && e.code !== "ENOTSUP" && e.code !== "ENOSYS") throw e;
        // No hard links on this filesystem: rename (atomic, but may replace a concurrent writer's key).
        if (await this.has(name)) throw new KeyringError(`key "${name}" already exists in ${this.where()}`);
        await rename(tmp, target);
      });
    } finally {
      await rm(tmp, { force: true });
    }
  }
}
