// The CometBFT genesis document (genesis.json): parsed and checked once at start, so every
// later step can trust its fields.
import { fromBase64, toBase64, toHex } from "@cosmjs/encoding";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { PUB_KEY_TYPE_ED25519 } from "../types/keyfile.js";
import { rfc3339ToTimestamp } from "../types/time.js";
import { makeValidator, sortValidators, type Validator } from "../types/validator.js";

export interface GenesisDocJson {
  genesis_time: string;
  chain_id: string;
  initial_height: string;
  consensus_params: {
    block: { max_bytes: string; max_gas: string };
    evidence: { max_age_num_blocks: string; max_age_duration: string; max_bytes: string };
    validator: { pub_key_types: string[] };
    version: { app: string };
    abci: { vote_extensions_enable_height: string };
  };
  validators: { address: string; pub_key: { type: string; value: string }; power: string; name: string }[];
  app_hash: string;
  app_state: Record<string, unknown>;
}

export interface GenesisDoc {
  json: GenesisDocJson;
  chainId: string;
  genesisTime: Timestamp;
  initialHeight: bigint;
  maxBytes: bigint;
  maxGas: bigint;
  /** Sorted as CometBFT sorts a validator set: power desc, then address. */
  validators: Validator[];
  appState: Record<string, unknown>;
}

export const DEFAULT_MAX_BYTES = 22020096n;

export function defaultConsensusParams(): GenesisDocJson["consensus_params"] {
  return {
    block: { max_bytes: DEFAULT_MAX_BYTES.toString(), max_gas: "-1" },
    evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
    validator: { pub_key_types: ["ed25519"] },
    version: { app: "0" },
    abci: { vote_extensions_enable_height: "0" },
  };
}

export function validatorJson(
  pubKey: Uint8Array,
  power: bigint,
  name: string,
): GenesisDocJson["validators"][0] {
  const v = makeValidator(pubKey, power);
  return {
    address: toHex(v.address).toUpperCase(),
    pub_key: { type: PUB_KEY_TYPE_ED25519, value: toBase64(pubKey) },
    power: power.toString(),
    name,
  };
}

const CHAIN_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,48}$/;

export function parseGenesisDoc(raw: unknown): GenesisDoc {
  const json = raw as GenesisDocJson;
  if (typeof raw !== "object" || raw === null) throw new Error("genesis must be a JSON object");
  if (typeof json.chain_id !== "string" || !CHAIN_ID.test(json.chain_id)) {
    throw new Error(`genesis chain_id ${JSON.stringify(json.chain_id)} is not a valid chain id`);
  }
  const genesisTime = rfc3339ToTimestamp(String(json.genesis_time));
  const initialHeight = int(json.initial_height ?? "1", "initial_height");
  if (initialHeight < 1n) throw new Error("genesis initial_height must be ≥ 1");
  const params = json.consensus_params ?? defaultConsensusParams();
  const maxBytes = int(params.block?.max_bytes, "consensus_params.block.max_bytes");
  const maxGas = int(params.block?.max_gas, "consensus_params.block.max_gas");
  if (maxBytes <= 0n || maxBytes > 104857600n)
    throw new Error("consensus_params.block.max_bytes must be in 1..100MiB");
  if (!Array.isArray(json.validators) || json.validators.length === 0) {
    throw new Error("genesis must list at least one validator");
  }
  const validators = json.validators.map((v, i) => {
    if (v?.pub_key?.type !== PUB_KEY_TYPE_ED25519)
      throw new Error(`genesis validators[${i}]: need an ed25519 key`);
    const pubKey = fromBase64(String(v.pub_key.value));
    const power = int(v.power, `validators[${i}].power`);
    if (power <= 0n) throw new Error(`genesis validators[${i}]: power must be positive`);
    const validator = makeValidator(pubKey, power);
    if (v.address && v.address.toUpperCase() !== toHex(validator.address).toUpperCase()) {
      throw new Error(`genesis validators[${i}]: address does not match its pub_key`);
    }
    return validator;
  });
  if (typeof json.app_state !== "object" || json.app_state === null || Array.isArray(json.app_state)) {
    throw new Error("genesis app_state must be an object");
  }
  return {
    json,
    chainId: json.chain_id,
    genesisTime,
    initialHeight,
    maxBytes,
    maxGas,
    validators: sortValidators(validators),
    appState: json.app_state,
  };
}

function int(v: unknown, what: string): bigint {
  if (typeof v !== "string" || !/^-?(0|[1-9][0-9]{0,18})$/.test(v)) {
    throw new Error(`genesis ${what} must be an integer string, got ${JSON.stringify(v)}`);
  }
  return BigInt(v);
}
