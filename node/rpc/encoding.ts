// Byte and integer encodings of CometBFT's JSON: upper-case hex for hashes and addresses,
// standard base64 for payloads, int64 as decimal strings.
import { sha256 } from "../crypto/sha256.js";

export function toHexUpper(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex").toUpperCase();
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Base64 of bytes, or null when there are none (Go's encoding of a nil []byte). */
export function toBase64OrNull(bytes: Uint8Array | undefined): string | null {
  return bytes && bytes.length > 0 ? toBase64(bytes) : null;
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict hex decoding; undefined on odd length or a non-hex character. */
export function fromHexStrict(s: string): Uint8Array | undefined {
  if (!HEX_RE.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, "hex"));
}

/** Strict standard base64 decoding (padding required); undefined when malformed. */
export function fromBase64Strict(s: string): Uint8Array | undefined {
  if (!BASE64_RE.test(s)) return undefined;
  return new Uint8Array(Buffer.from(s, "base64"));
}

/** CometBFT's tx hash: sha256 of the raw tx bytes. */
export function txHash(tx: Uint8Array): Uint8Array {
  return sha256(tx);
}

export const int64 = (n: bigint | number): string => n.toString();
