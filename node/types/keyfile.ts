// CometBFT v0.38 key files: priv_validator_key.json (privval/file.go FilePVKey) and node_key.json
// (p2p/key.go NodeKey), in cmtjson's shape, written atomically with mode 0600.
import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type Ed25519Key, keyFromSeed, privKeyBytes } from "./ed25519.js";

export const PUB_KEY_TYPE_ED25519 = "tendermint/PubKeyEd25519";
export const PRIV_KEY_TYPE_ED25519 = "tendermint/PrivKeyEd25519";

interface TypedValue {
  type: string;
  value: string;
}

export interface PrivValidatorKeyJson {
  address: string;
  pub_key: TypedValue;
  priv_key: TypedValue;
}

export interface NodeKeyJson {
  priv_key: TypedValue;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64");
const hexUpper = (b: Uint8Array): string => Buffer.from(b).toString("hex").toUpperCase();

export function privValidatorKeyToJson(key: Ed25519Key): PrivValidatorKeyJson {
  return {
    address: hexUpper(key.address),
    pub_key: { type: PUB_KEY_TYPE_ED25519, value: b64(key.pubKey) },
    priv_key: { type: PRIV_KEY_TYPE_ED25519, value: b64(privKeyBytes(key)) },
  };
}

export function nodeKeyToJson(key: Ed25519Key): NodeKeyJson {
  return { priv_key: { type: PRIV_KEY_TYPE_ED25519, value: b64(privKeyBytes(key)) } };
}

function typedValue(obj: unknown, field: string, type: string): Uint8Array {
  const v = (obj as Record<string, unknown>)[field] as Partial<TypedValue> | undefined;
  if (typeof v !== "object" || v === null) throw new Error(`key file: missing ${field}`);
  if (v.type !== type) throw new Error(`key file: ${field}.type must be ${type}, got ${String(v.type)}`);
  if (typeof v.value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v.value)) {
    throw new Error(`key file: ${field}.value must be base64`);
  }
  return new Uint8Array(Buffer.from(v.value, "base64"));
}

/**
 * Parses either file shape. The private key must be 64 bytes seed‖pub with pub derived from seed;
 * a present pub_key / address must match it.
 */
export function keyFromJson(json: unknown): Ed25519Key {
  if (typeof json !== "object" || json === null) throw new Error("key file: not a JSON object");
  const priv = typedValue(json, "priv_key", PRIV_KEY_TYPE_ED25519);
  if (priv.length !== 64) throw new Error(`key file: priv_key must be 64 bytes, got ${priv.length}`);
  const key = keyFromSeed(priv.subarray(0, 32));
  if (!Buffer.from(priv.subarray(32)).equals(key.pubKey)) {
    throw new Error("key file: priv_key public half does not match its seed");
  }
  const obj = json as Record<string, unknown>;
  if (obj["pub_key"] !== undefined) {
    const pub = typedValue(json, "pub_key", PUB_KEY_TYPE_ED25519);
    if (!Buffer.from(pub).equals(key.pubKey)) throw new Error("key file: pub_key does not match priv_key");
  }
  if (obj["address"] !== undefined && String(obj["address"]).toUpperCase() !== hexUpper(key.address)) {
    throw new Error("key file: address does not match pub_key");
  }
  return key;
}

/** tempfile.WriteFileAtomic: write a temp file (0600) in the same directory, fsync, rename over. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fh = await open(tmp, "wx", mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // the umask may have narrowed or widened open()'s mode
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/** Same bytes as cmtjson.MarshalIndent(v, "", "  "). */
const toJson = (v: unknown): string => JSON.stringify(v, null, 2);

export async function writePrivValidatorKey(path: string, key: Ed25519Key): Promise<void> {
  await writeFileAtomic(path, toJson(privValidatorKeyToJson(key)));
}

export async function writeNodeKey(path: string, key: Ed25519Key): Promise<void> {
  await writeFileAtomic(path, toJson(nodeKeyToJson(key)));
}

export async function readKeyFile(path: string): Promise<Ed25519Key> {
  const text = await readFile(path, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`key file ${path}: invalid JSON: ${(err as Error).message}`);
  }
  return keyFromJson(json);
}

export const readPrivValidatorKey = readKeyFile;
export const readNodeKey = readKeyFile;
