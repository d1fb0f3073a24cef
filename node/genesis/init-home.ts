// Creates a node home the first time: validator and node keys, and a genesis document.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { homePaths } from "../options.js";
import { generateKey } from "../types/ed25519.js";
import {
  readPrivValidatorKey,
  writeFileAtomic,
  writeNodeKey,
  writePrivValidatorKey,
} from "../types/keyfile.js";
import type { GenesisDocJson } from "./genesis-doc.js";

export function isInitialized(home: string): boolean {
  return existsSync(homePaths(home).genesis);
}

/**
 * Writes keys (kept when they already exist) and the genesis that makeGenesis builds from the
 * validator's public key. Refuses to overwrite an existing genesis.
 */
export async function initHome(home: string, makeGenesis: (validatorPubKey: Uint8Array) => GenesisDocJson) {
  const paths = homePaths(home);
  if (existsSync(paths.genesis)) throw new Error(`${paths.genesis} already exists; not overwriting it`);
  await mkdir(paths.config, { recursive: true, mode: 0o700 });
  await mkdir(paths.data, { recursive: true, mode: 0o700 });
  if (!existsSync(paths.privValidatorKey)) await writePrivValidatorKey(paths.privValidatorKey, generateKey());
  if (!existsSync(paths.nodeKey)) await writeNodeKey(paths.nodeKey, generateKey());
  const validator = await readPrivValidatorKey(paths.privValidatorKey);
  const genesis = makeGenesis(validator.pubKey);
  await writeFileAtomic(paths.genesis, `${JSON.stringify(genesis, null, 2)}\n`, 0o644);
  return { genesis, validator };
}
