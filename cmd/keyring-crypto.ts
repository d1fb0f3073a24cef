// Key material for the keyring: BIP-39 mnemonics, the secp256k1 key at m/44'/118'/0'/0/0, the
// bech32 account address, and the passphrase encryption of a mnemonic (scrypt + AES-256-GCM).
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from "node:crypto";
import { makeCosmoshubPath } from "@cosmjs/amino";
import {
  Bip39,
  EnglishMnemonic,
  pathToString,
  ripemd160,
  Secp256k1,
  Slip10,
  Slip10Curve,
  sha256,
} from "@cosmjs/crypto";
import { toBech32 } from "@cosmjs/encoding";

export const ADDRESS_PREFIX = "open";
export const HD_PATH = makeCosmoshubPath(0);
export const HD_PATH_STRING = pathToString(HD_PATH); // m/44'/118'/0'/0/0

/** A fresh 24-word mnemonic from 32 bytes of secure randomness. */
export function generateMnemonic(): string {
  return Bip39.encode(randomBytes(32)).toString();
}

/** Trims and collapses whitespace, lower-cases, and checks words and checksum; throws a clear error. */
export function normalizeMnemonic(mnemonic: string): string {
  const words = mnemonic.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    throw new Error(`invalid mnemonic: expected 12, 15, 18, 21 or 24 words, got ${words.length}`);
  }
  try {
    return new EnglishMnemonic(words.join(" ")).toString();
  } catch (e) {
    throw new Error(`invalid mnemonic: ${(e as Error).message}`);
  }
}

/** The chain's account address of a 33-byte compressed secp256k1 public key. */
export function pubkeyToAddress(pubkey: Uint8Array, prefix = ADDRESS_PREFIX): string {
  return toBech32(prefix, ripemd160(sha256(pubkey)));
}

export interface DerivedKey {
  privkey: Uint8Array;
  /** 33-byte compressed public key. */
  pubkey: Uint8Array;
  address: string;
}

/** Derives the account key at m/44'/118'/0'/0/0 of a (normalized) mnemonic, as cosmjs does. */
export async function deriveKey(mnemonic: string, prefix = ADDRESS_PREFIX): Promise<DerivedKey> {
  const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(mnemonic));
  const { privkey } = Slip10.derivePath(Slip10Curve.Secp256k1, seed, HD_PATH);
  const pubkey = Secp256k1.compressPubkey(Secp256k1.makeKeypair(privkey).pubkey);
  return { privkey, pubkey, address: pubkeyToAddress(pubkey, prefix) };
}

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** 64 MiB of memory, about 0.2 s per key operation. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 16, r: 8, p: 1 };

/** What the `file` backend stores instead of the mnemonic; every parameter needed to decrypt is here. */
export interface EncryptedSecret {
  kdf: "scrypt";
  kdfparams: ScryptParams & { salt: string; dklen: 32 };
  cipher: "aes-256-gcm";
  iv: string;
  tag: string;
  ciphertext: string;
}

function deriveAesKey(passphrase: string, salt: Buffer, { N, r, p }: ScryptParams): Promise<Buffer> {
  if (
    !Number.isInteger(N) ||
    N < 2 ||
    N > 2 ** 20 ||
    (N & (N - 1)) !== 0 ||
    r < 1 ||
    r > 32 ||
    p < 1 ||
    p > 16
  ) {
    return Promise.reject(new Error(`unsupported scrypt parameters N=${N} r=${r} p=${p}`));
  }
  const maxmem = 256 * N * r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scryptCb(passphrase, salt, 32, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Encrypts `plaintext`; `aad` (e.g. the key's address) is authenticated but not encrypted. */
export async function encryptSecret(
  plaintext: string,
  passphrase: string,
  aad: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<EncryptedSecret> {
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const key = await deriveAesKey(passphrase, salt, params);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return {
    kdf: "scrypt",
    kdfparams: { N: params.N, r: params.r, p: params.p, salt: salt.toString("base64"), dklen: 32 },
    cipher: "aes-256-gcm",
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    ciphertext: ciphertext.toString("base64"),
  };
}

/** Decrypts; a wrong passphrase (or a tampered file) throws `DecryptionError`. */
export async function decryptSecret(
  secret: EncryptedSecret,
  passphrase: string,
  aad: string,
): Promise<string> {
  if (secret.kdf !== "scrypt" || secret.cipher !== "aes-256-gcm") {
    throw new Error(`unsupported encryption ${secret.kdf}/${secret.cipher}`);
  }
  const key = await deriveAesKey(passphrase, Buffer.from(secret.kdfparams.salt, "base64"), secret.kdfparams);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(secret.iv, "base64"));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(Buffer.from(secret.tag, "base64"));
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(secret.ciphertext, "base64")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new DecryptionError();
  }
}

export class DecryptionError extends Error {
  constructor() {
    super("wrong passphrase (or the key file was altered): decryption failed");
    this.name = "DecryptionError";
  }
}
