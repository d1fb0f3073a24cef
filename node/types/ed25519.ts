// Ed25519 keys as CometBFT v0.38 uses them (crypto/ed25519): a 32-byte seed, the 64-byte private
// key seed‖pub, address = sha256(pub)[:20]. Signing and the fast verification path use node:crypto.
import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";

export const ED25519_PUBKEY_SIZE = 32;
export const ED25519_SEED_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;
export const ADDRESS_SIZE = 20;

// DER prefixes that wrap a raw 32-byte key as PKCS#8 (private) / SPKI (public), OID 1.3.101.112.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export interface Ed25519Key {
  seed: Uint8Array;
  pubKey: Uint8Array;
  address: Uint8Array;
}

/** crypto.AddressHash of an ed25519 pubkey: sha256(pub)[:20]. */
export function pubKeyToAddress(pubKey: Uint8Array): Uint8Array {
  if (pubKey.length !== ED25519_PUBKEY_SIZE)
    throw new Error(`ed25519 pubkey must be 32 bytes, got ${pubKey.length}`);
  return sha256(pubKey).subarray(0, ADDRESS_SIZE);
}

/** p2p ID: lowercase hex of the address. */
export function nodeIdFromPubKey(pubKey: Uint8Array): string {
  return Buffer.from(pubKeyToAddress(pubKey)).toString("hex");
}

function privateKeyObject(seed: Uint8Array): KeyObject {
  if (seed.length !== ED25519_SEED_SIZE) throw new Error(`ed25519 seed must be 32 bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/** ed25519.NewKeyFromSeed. */
export function keyFromSeed(seed: Uint8Array): Ed25519Key {
  const spki = createPublicKey(privateKeyObject(seed)).export({ format: "der", type: "spki" });
  const pubKey = new Uint8Array(spki.subarray(spki.length - ED25519_PUBKEY_SIZE));
  return { seed: new Uint8Array(seed), pubKey, address: pubKeyToAddress(pubKey) };
}

/** ed25519.GenPrivKey: a fresh random key. */
export function generateKey(): Ed25519Key {
  return keyFromSeed(randomBytes(ED25519_SEED_SIZE));
}

/** ed25519.GenPrivKeyFromSecret: seed = sha256(secret). Deterministic; for tests and devnets only. */
export function keyFromSecret(secret: Uint8Array | string): Ed25519Key {
  return keyFromSeed(sha256(typeof secret === "string" ? new TextEncoder().encode(secret) : secret));
}

/** The 64-byte private key encoding CometBFT stores: seed ‖ pubkey. */
export function privKeyBytes(key: Ed25519Key): Uint8Array {
  const out = new Uint8Array(64);
  out.set(key.seed, 0);
  out.set(key.pubKey, 32);
  return out;
}

// Signing keys are reused for every vote: keep their KeyObjects.
const privateKeyCache = new WeakMap<Uint8Array, KeyObject>();

export function signEd25519(key: Pick<Ed25519Key, "seed">, msg: Uint8Array): Uint8Array {
  let keyObject = privateKeyCache.get(key.seed);
  if (keyObject === undefined) {
    keyObject = privateKeyObject(key.seed);
    privateKeyCache.set(key.seed, keyObject);
  }
  return new Uint8Array(cryptoSign(null, msg, keyObject));
}

// Validator pubkeys repeat on every commit: a small bounded cache of their KeyObjects.
const PUBLIC_KEY_CACHE_LIMIT = 1024;
const publicKeyCache = new Map<string, KeyObject | null>();

function publicKeyObject(pubKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(pubKey).toString("hex");
  let keyObject = publicKeyCache.get(id);
  if (keyObject === undefined) {
    try {
      keyObject = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pubKey]), format: "der", type: "spki" });
    } catch {
      keyObject = null; // OpenSSL refused the encoding; ZIP-215 may still accept it (see below).
    }
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeyCache.clear();
    publicKeyCache.set(id, keyObject);
  }
  return keyObject;
}

/** RFC 8032 verification as OpenSSL does it (node:crypto). Stricter than ZIP-215; see verifyEd25519. */
export function verifyEd25519Strict(pubKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pubKey.length !== ED25519_PUBKEY_SIZE || sig.length !== ED25519_SIGNATURE_SIZE) return false;
  const keyObject = publicKeyObject(pubKey);
  if (keyObject === null) return false;
  try {
    return cryptoVerify(null, msg, keyObject, sig);
  } catch {
    return false;
  }
}

/** ZIP-215 verification (@noble/curves, its default mode): exactly the rule set CometBFT applies. */
export function verifyEd25519Zip215(pubKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (pubKey.length !== ED25519_PUBKEY_SIZE || sig.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return ed25519.verify(sig, msg, pubKey, { zip215: true });
  } catch {
    return false;
  }
}

/**
 * Verifies an ed25519 signature with CometBFT v0.38 semantics (crypto/ed25519 VerifySignature:
 * curve25519-voi with VerifyOptionsZIP_215).
 *
 * ZIP-215 accepts: non-canonical encodings of A and R (y ≥ p, or x = 0 with the sign bit set),
 * small-order A and R, and it checks the cofactored equation [8][S]B = [8]R + [8][k]A. It still
 * requires a canonical S (S < L).
 *
 * node:crypto (OpenSSL) is stricter: it checks the cofactorless equation by recomputing R and
 * comparing its canonical encoding byte-for-byte with the signature's R, so a non-canonical R or
 * a signature that only holds up to a small-order component is rejected; it may also refuse some
 * non-canonical public keys. Anything OpenSSL accepts, ZIP-215 accepts too. Honest signers
 * (RFC 8032 signing) never produce the edge cases, so they verify the same under both.
 *
 * To be fast and still agree with CometBFT on every input, the node:crypto result is trusted when
 * it says "valid", and a "invalid" answer is re-checked with the ZIP-215 verifier (the slow path
 * runs only for bad or crafted signatures).
 */
export function verifyEd25519(pubKey: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (verifyEd25519Strict(pubKey, msg, sig)) return true;
  return verifyEd25519Zip215(pubKey, msg, sig);
}
