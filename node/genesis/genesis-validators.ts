// A genesis document's validators together with the staking state that backs them: each validator
// key becomes a staking validator operated by an account that self-delegates power × 10^6 uopen,
// and the bonded pool's bank balance holds the sum. The document's `validators` and staking's set
// must match (BaseApp.initChain refuses a genesis where they differ).

import { toBase64 } from "@cosmjs/encoding";
import { BONDED_POOL_NAME, formatValoper, POWER_REDUCTION } from "../../modules/staking/index.js";
import { formatAddress, moduleAddress, parseAddress } from "../app/address.js";
import { rfc3339ToTimestamp, timestampToRfc3339 } from "../types/time.js";
import { type GenesisDocJson, validatorJson } from "./genesis-doc.js";

export interface GenesisValidatorSpec {
  /** ed25519 consensus key (the node's priv_validator_key). */
  pubKey: Uint8Array;
  power: bigint;
  /** Moniker, also the genesis document's validator name. */
  name: string;
  /** The account (open1…) that operates the validator and self-delegates its stake. */
  operator: string;
}

interface BalanceJson {
  address: string;
  coins: { denom: string; amount: string }[];
}

/**
 * Sets `genesis.validators` and app_state.staking's validators and self-delegations (replacing any
 * there were), and the bonded pool's balance in app_state.bank. Denom uopen; commission 10% (max
 * 20%, max change 1%); staking params are left as they are (defaults when absent).
 */
export function setGenesisValidators(genesis: GenesisDocJson, validators: GenesisValidatorSpec[]): void {
  const denom = "uopen";
  const updateTime = timestampToRfc3339(rfc3339ToTimestamp(genesis.genesis_time));
  const staking = (genesis.app_state.staking ?? {}) as Record<string, unknown>;
  let bonded = 0n;
  staking.validators = validators.map((v) => {
    if (v.power <= 0n) throw new Error(`genesis validator ${v.name}: power must be positive`);
    const tokens = v.power * POWER_REDUCTION;
    bonded += tokens;
    return {
      operator_address: formatValoper(parseAddress(v.operator, `operator of ${v.name}`)),
      consensus_pubkey: { "@type": "/cosmos.crypto.ed25519.PubKey", key: toBase64(v.pubKey) },
      jailed: false,
      tokens: tokens.toString(),
      description: { moniker: v.name, identity: "", website: "", security_contact: "", details: "" },
      commission: {
        commission_rates: {
          rate: "0.100000000000000000",
          max_rate: "0.200000000000000000",
          max_change_rate: "0.010000000000000000",
        },
        update_time: updateTime,
      },
      min_self_delegation: "1",
    };
  });
  staking.delegations = validators.map((v) => ({
    delegator_address: v.operator,
    validator_address: formatValoper(parseAddress(v.operator)),
    amount: (v.power * POWER_REDUCTION).toString(),
  }));
  genesis.app_state.staking = staking;
  genesis.validators = validators.map((v) => validatorJson(v.pubKey, v.power, v.name));

  const pool = formatAddress(moduleAddress(BONDED_POOL_NAME));
  const bank = (genesis.app_state.bank ?? {}) as { balances?: BalanceJson[] };
  bank.balances = (bank.balances ?? []).filter((b) => b.address !== pool);
  if (bonded > 0n) bank.balances.push({ address: pool, coins: [{ denom, amount: bonded.toString() }] });
  genesis.app_state.bank = bank;
}
