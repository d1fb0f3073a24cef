// The single-validator dev chain `start --dev` creates the first time: chain-id
// openledger-dev-1, the accounts of genesis/dev-accounts.json funded in uopen, and one staking
// validator (the node's key, power 10) operated by the first dev account (alice), which
// self-delegates 10^7 uopen on top of its balance (held by the bonded pool).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { nowTimestamp, timestampToRfc3339 } from "../types/time.js";
import { defaultConsensusParams, type GenesisDocJson } from "./genesis-doc.js";
import { setGenesisValidators } from "./genesis-validators.js";

export const DEV_CHAIN_ID = "openledger-dev-1";
export const DEV_DENOM = "uopen";
export const DEV_MIN_GAS_PRICE = "0.025uopen";
/** Each dev account starts with 10^15 uopen (10^9 OPEN). */
export const DEV_ACCOUNT_BALANCE = 10n ** 15n;
/** The dev validator's voting power (its self-delegation is power × 10^6 uopen). */
export const DEV_VALIDATOR_POWER = 10n;

export interface DevAccount {
  name: string;
  mnemonic: string;
  address: string;
}

export function loadDevAccounts(): DevAccount[] {
  const path = fileURLToPath(new URL("../../genesis/dev-accounts.json", import.meta.url));
  return JSON.parse(readFileSync(path, "utf8")) as DevAccount[];
}

export function devGenesis(validatorPubKey: Uint8Array, accounts = loadDevAccounts()): GenesisDocJson {
  const genesis: GenesisDocJson = {
    genesis_time: timestampToRfc3339(nowTimestamp()),
    chain_id: DEV_CHAIN_ID,
    initial_height: "1",
    consensus_params: defaultConsensusParams(),
    validators: [],
    app_hash: "",
    app_state: {
      auth: {
        min_gas_price: DEV_MIN_GAS_PRICE,
        accounts: accounts.map((a, i) => ({ address: a.address, account_number: String(i), sequence: "0" })),
      },
      bank: {
        balances: accounts.map((a) => ({
          address: a.address,
          coins: [{ denom: DEV_DENOM, amount: DEV_ACCOUNT_BALANCE.toString() }],
        })),
        denom_metadata: [
          {
            description: "The native token of the OpenLedger chain",
            denom_units: [
              { denom: "uopen", exponent: 0, aliases: ["microopen"] },
              { denom: "open", exponent: 6, aliases: [] },
            ],
            base: "uopen",
            display: "open",
            name: "OPEN",
            symbol: "OPEN",
          },
        ],
      },
    },
  };
  const operator = accounts[0];
  if (!operator) throw new Error("the dev genesis needs at least one account (the validator's operator)");
  setGenesisValidators(genesis, [
    {
      pubKey: validatorPubKey,
      power: DEV_VALIDATOR_POWER,
      name: "dev-validator",
      operator: operator.address,
    },
  ]);
  return genesis;
}
