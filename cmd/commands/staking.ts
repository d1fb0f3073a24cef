// `tx staking …` and `query staking …`: the stock cosmos.staking.v1beta1 messages signed by a stock
// SigningStargateClient, queries through cosmjs's setupStakingExtension, with the tx and query
// plumbing of datanets.ts (--from, --home, --node, -o json).
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { type Command, Option } from "commander";
import { PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { bondStatusToJSON, type Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { formatValoper } from "../../modules/staking/index.js";
import { parseAddress } from "../../node/app/address.js";
import { parseDec } from "../../node/app/coins.js";
import { homePaths } from "../../node/options.js";
import { readPrivValidatorKey } from "../../node/types/keyfile.js";
import { globalOptions } from "../cli.js";
import { parseCoinsString } from "../coins.js";
import { broadcast, group, queryOptions, runQuery, txOptions } from "./datanets.js";

const URL = "/cosmos.staking.v1beta1.";
const STATUSES = {
  all: "",
  bonded: "BOND_STATUS_BONDED",
  unbonding: "BOND_STATUS_UNBONDING",
  unbonded: "BOND_STATUS_UNBONDED",
};

/** One coin, e.g. "1000000uopen". */
function oneCoin(text: string, flag: string): { denom: string; amount: string } {
  const coins = parseCoinsString(text);
  if (coins.length !== 1) throw new Error(`${flag} must be one coin, e.g. 1000000uopen, got "${text}"`);
  return { denom: coins[0]!.denom, amount: coins[0]!.amount.toString() };
}

/** A decimal rate ("0.1") as the 18-decimal atomics the chain reads. */
function rate(text: string, flag: string): string {
  try {
    return parseDec(text).toString();
  } catch {
    throw new Error(`${flag} must be a decimal such as 0.1, got "${text}"`);
  }
}

async function consensusKey(cmd: Command, pubkey: string | undefined): Promise<Uint8Array> {
  if (pubkey !== undefined) {
    let key: Uint8Array;
    try {
      key = fromBase64(pubkey);
    } catch {
      throw new Error(`--pubkey must be base64, got "${pubkey}"`);
    }
    if (key.length !== 32) throw new Error(`--pubkey must be a 32-byte ed25519 key, got ${key.length} bytes`);
    return key;
  }
  const path = homePaths(globalOptions(cmd).home).privValidatorKey;
  return (
    await readPrivValidatorKey(path).catch((e: Error) => {
      throw new Error(`no --pubkey and cannot read ${path}: ${e.message}`);
    })
  ).pubKey;
}

/** Validators with their status by name and their key as {"@type", key}, for printing. */
function plainValidator(v: Validator) {
  const key = v.consensusPubkey ? PubKey.decode(v.consensusPubkey.value).key : new Uint8Array(0);
  return {
    ...v,
    status: bondStatusToJSON(v.status),
    consensusPubkey: { "@type": v.consensusPubkey?.typeUrl ?? "", key: toBase64(key) },
  };
}

export function registerStakingCommands(program: Command): void {
  const tx = group(program, "tx", "sign and broadcast transactions")
    .command("staking")
    .description("staking transactions: validators, delegation, unbonding");
  txOptions(
    tx
      .command("create-validator")
      .description("make --from the operator of a new validator, self-delegating --amount")
      .requiredOption("--amount <coin>", "self-delegation, e.g. 1000000uopen (10^6 uopen = 1 unit of power)")
      .requiredOption("--moniker <name>", "validator name")
      .option("--pubkey <base64>", "ed25519 consensus key (default: this --home's priv_validator_key.json)")
      .option("--identity <text>", "identity (e.g. a keybase id)", "")
      .option("--website <url>", "website", "")
      .option("--security-contact <email>", "security contact", "")
      .option("--details <text>", "details", "")
      .option("--commission-rate <dec>", "commission rate", "0.1")
      .option("--commission-max-rate <dec>", "maximum commission rate", "0.2")
      .option("--commission-max-change-rate <dec>", "maximum daily change of the rate", "0.01")
      .option("--min-self-delegation <amount>", "minimum self-delegation in uopen", "1"),
  ).action((o, cmd: Command) =>
    broadcast(cmd, async (sender): Promise<EncodeObject> => {
      const key = await consensusKey(cmd, o.pubkey);
      return {
        typeUrl: `${URL}MsgCreateValidator`,
        value: {
          description: {
            moniker: o.moniker,
            identity: o.identity,
            website: o.website,
            securityContact: o.securityContact,
            details: o.details,
          },
          commission: {
            rate: rate(o.commissionRate, "--commission-rate"),
            maxRate: rate(o.commissionMaxRate, "--commission-max-rate"),
            maxChangeRate: rate(o.commissionMaxChangeRate, "--commission-max-change-rate"),
          },
          minSelfDelegation: o.minSelfDelegation,
          delegatorAddress: "",
          validatorAddress: formatValoper(parseAddress(sender)),
          pubkey: { typeUrl: "/cosmos.crypto.ed25519.PubKey", value: PubKey.encode({ key }).finish() },
          value: oneCoin(o.amount, "--amount"),
        },
      };
    }),
  );
  for (const [name, msg, what] of [
    ["delegate", "MsgDelegate", "bond <amount> from --from to the validator"],
    ["unbond", "MsgUndelegate", "start unbonding <amount> (paid back after the unbonding period)"],
  ] as const) {
    txOptions(tx.command(`${name} <validator> <amount>`).description(what)).action(
      (validator: string, amount: string, _o, cmd: Command) =>
        broadcast(cmd, (delegator) => ({
          typeUrl: `${URL}${msg}`,
          value: {
            delegatorAddress: delegator,
            validatorAddress: validator,
            amount: oneCoin(amount, "<amount>"),
          },
        })),
    );
  }

  const q = group(program, "query", "query a node").command("staking").description("staking queries");
  queryOptions(
    q
      .command("validators")
      .description("validators in operator order")
      .addOption(new Option("--status <status>", "only these").choices(Object.keys(STATUSES)).default("all")),
  ).action((o, cmd: Command) =>
    runQuery(cmd, async (c) => {
      const r = await c.staking.validators(STATUSES[o.status as keyof typeof STATUSES] as "");
      return { ...r, validators: r.validators.map(plainValidator) };
    }),
  );
  queryOptions(q.command("validator <validator>").description("a validator (openvaloper1…)")).action(
    (validator: string, _o, cmd: Command) =>
      runQuery(cmd, async (c) => plainValidator((await c.staking.validator(validator)).validator)),
  );
  queryOptions(q.command("delegation <delegator> <validator>").description("a delegation")).action(
    (delegator: string, validator: string, _o, cmd: Command) =>
      runQuery(cmd, async (c) => (await c.staking.delegation(delegator, validator)).delegationResponse),
  );
  queryOptions(q.command("delegations <delegator>").description("a delegator's delegations")).action(
    (delegator: string, _o, cmd: Command) => runQuery(cmd, (c) => c.staking.delegatorDelegations(delegator)),
  );
  queryOptions(
    q
      .command("unbonding <delegator> <validator>")
      .description("a delegator's unbonding entries from a validator"),
  ).action((delegator: string, validator: string, _o, cmd: Command) =>
    runQuery(cmd, async (c) => (await c.staking.unbondingDelegation(delegator, validator)).unbond),
  );
  queryOptions(q.command("pool").description("bonded and unbonding tokens")).action((_o, cmd: Command) =>
    runQuery(cmd, async (c) => (await c.staking.pool()).pool),
  );
  queryOptions(q.command("params").description("the module's params")).action((_o, cmd: Command) =>
    runQuery(cmd, async (c) => (await c.staking.params()).params),
  );
}
