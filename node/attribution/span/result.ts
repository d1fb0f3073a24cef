// The canonical encoding of a span result, and its hash, which validators sign and compare.
// Layout (little-endian): "OLSPAN01" · version (u16 length + UTF-8) · params (minSpanTokens,
// maxSpanCount, density num, density den, maxOutputTokens: u32 each) · token count u32 + token ids
// u32 · span count u32, per span start u32, end u32, count u32, contribution count u32 + ids u64 ·
// weight count u32, per weight contribution id u64, bps u32. Span texts are not encoded: they
// follow from the tokens. The hash is sha256 of these bytes, hex.
import { createHash } from "node:crypto";
import type { SpanResult } from "./select.js";

const MAGIC = new TextEncoder().encode("OLSPAN01");

export function encodeResult(r: SpanResult): Uint8Array {
  const version = new TextEncoder().encode(r.version);
  if (version.length > 0xffff) throw new RangeError("version label too long");
  let size = MAGIC.length + 2 + version.length + 20 + 4 + 4 * r.tokens.length + 4 + 4 + 12 * r.weights.length;
  for (const s of r.spans) size += 16 + 8 * s.contributions.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out.set(MAGIC, 0);
  let at = MAGIC.length;
  const u32 = (x: number) => {
    v.setUint32(at, x, true);
    at += 4;
  };
  const u64 = (x: bigint) => {
    v.setBigUint64(at, x, true);
    at += 8;
  };
  v.setUint16(at, version.length, true);
  at += 2;
  out.set(version, at);
  at += version.length;
  const p = r.params;
  for (const x of [
    p.minSpanTokens,
    p.maxSpanCount,
    p.maxSpansPerToken.num,
    p.maxSpansPerToken.den,
    p.maxOutputTokens,
  ]) {
    u32(x);
  }
  u32(r.tokens.length);
  for (const t of r.tokens) u32(t);
  u32(r.spans.length);
  for (const s of r.spans) {
    u32(s.start);
    u32(s.end);
    u32(s.count);
    u32(s.contributions.length);
    for (const id of s.contributions) u64(id);
  }
  u32(r.weights.length);
  for (const w of r.weights) {
    u64(w.contributionId);
    u32(w.bps);
  }
  return out;
}

export function resultHash(r: SpanResult): string {
  return createHash("sha256").update(encodeResult(r)).digest("hex");
}
