// Validator set changes as BaseApp hands them to consensus: collected from the one module that
// returns them, checked (32-byte keys, non-negative power, one entry per key) and sorted by key
// bytes, so that every node returns the same list for the same block.
import { toBase64 } from "@cosmjs/encoding";
import type { ValidatorUpdate } from "./application.js";

/** Every module's answer to a hook; at most one of them may be a non-empty list. */
export function collectValidatorUpdates(
  answers: readonly { module: string; updates: ValidatorUpdate[] | undefined }[],
  hook: string,
): ValidatorUpdate[] {
  let from: string | undefined;
  let updates: ValidatorUpdate[] = [];
  for (const a of answers) {
    if (!a.updates || a.updates.length === 0) continue;
    if (from !== undefined)
      throw new Error(`${hook}: modules ${from} and ${a.module} both returned validator updates`);
    from = a.module;
    updates = a.updates;
  }
  return normalizeValidatorUpdates(updates, from ?? hook);
}

/** Checked and sorted by pubKey bytes; throws on a bad key, a negative power or a key twice. */
export function normalizeValidatorUpdates(
  updates: readonly ValidatorUpdate[],
  where: string,
): ValidatorUpdate[] {
  for (const u of updates) {
    if (u.pubKey.length !== 32)
      throw new Error(`${where}: validator update with a ${u.pubKey.length}-byte key (ed25519: 32)`);
    if (u.power < 0n) throw new Error(`${where}: validator update with negative power ${u.power}`);
  }
  const sorted = updates
    .map((u) => ({ pubKey: Uint8Array.from(u.pubKey), power: u.power }))
    .sort((a, b) => Buffer.compare(a.pubKey, b.pubKey));
  for (let i = 1; i < sorted.length; i++) {
    if (Buffer.compare(sorted[i - 1]!.pubKey, sorted[i]!.pubKey) === 0)
      throw new Error(`${where}: two validator updates for key ${toBase64(sorted[i]!.pubKey)}`);
  }
  return sorted;
}

/**
 * initChain: the genesis document's validators and the app's set must be the same set (same keys,
 * same powers) when both are given. Throws naming the first difference.
 */
export function checkGenesisValidators(
  doc: readonly ValidatorUpdate[],
  app: readonly ValidatorUpdate[],
): void {
  if (doc.length === 0 || app.length === 0) return;
  const want = normalizeValidatorUpdates(doc, "genesis validators");
  const has = new Map(app.map((u) => [toBase64(u.pubKey), u.power]));
  const listed = new Set<string>();
  for (const u of want) {
    const key = toBase64(u.pubKey);
    listed.add(key);
    const power = has.get(key);
    if (power === undefined)
      throw new Error(
        `genesis validators do not match the staking module's set: validator ${key} (power ${u.power}) ` +
          "of the genesis document is not a bonded staking validator",
      );
    if (power !== u.power)
      throw new Error(
        `genesis validators do not match the staking module's set: validator ${key} has power ${u.power} ` +
          `in the genesis document, ${power} in staking (tokens / 10^6)`,
      );
  }
  for (const u of app) {
    const key = toBase64(u.pubKey);
    if (!listed.has(key))
      throw new Error(
        `genesis validators do not match the staking module's set: staking validator ${key} ` +
          `(power ${u.power}) is not in the genesis document's validators`,
      );
  }
}
