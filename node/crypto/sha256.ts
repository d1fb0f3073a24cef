// SHA-256 through Node's native OpenSSL binding: the node hashes every tx several times (mempool
// key, tx hash, data hash, sign bytes, Merkle leaves), where the pure-JS hash was 2-3x slower.
// Returns a plain Uint8Array (not a Buffer) over the digest's own 32-byte ArrayBuffer.
import * as crypto from "node:crypto";

// crypto.hash (one-shot, Node ≥ 20.12) skips creating a Hash object; createHash otherwise.
const oneShot = (crypto as { hash?: (alg: string, data: Uint8Array, enc: "buffer") => Buffer }).hash;

export function sha256(data: Uint8Array): Uint8Array {
  const d = oneShot ? oneShot("sha256", data, "buffer") : crypto.createHash("sha256").update(data).digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}
