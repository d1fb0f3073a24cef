// The staking keeper: validators, delegations, unbonding delegations and their queue, the last
// validator set, tombstones and params. It alone reads and writes the "staking" store; tokens move
// through bank between the delegators and the two pool module accounts.
import { type BondStatus, UnbondingDelegation, Validator } from "cosmjs-types/cosmos/staking/v1beta1/staking";
import { formatAddress, moduleAddress } from "../../node/app/address.js";
import type { Amount } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import { type KVStore, prefixEnd, utf8Bytes } from "../../node/store/kv.js";
import { consensusAddress, ed25519FromAny, parseValoper } from "./address.js";
import * as keys from "./keys.js";
import { DEC_ONE, DEFAULT_PARAMS, decodeParams, encodeParams, type StakingParams } from "./params.js";

/** What staking needs from bank (the SDK's expected_keepers.go). */
export interface StakingBank {
  sendCoins(ctx: Context, from: Uint8Array, to: Uint8Array, coins: readonly Amount[]): void;
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint;
  /** Removes coins from an account and from the supply. */
  burn(ctx: Context, address: Uint8Array, coins: readonly Amount[]): void;
  /** Refuses MsgSend / MsgMultiSend to the address (the pools hold stake only). */
  blockRecipient(address: Uint8Array): void;
}

export const BONDED_POOL_NAME = "bonded_tokens_pool";
export const NOT_BONDED_POOL_NAME = "not_bonded_tokens_pool";

const fromUtf8 = new TextDecoder();

export const tokensOf = (v: Validator): bigint => BigInt(v.tokens || "0");

/** The validator with these tokens; shares always equal tokens (see README: no exchange rate). */
export function withTokens(v: Validator, tokens: bigint): Validator {
  return { ...v, tokens: tokens.toString(), delegatorShares: (tokens * DEC_ONE).toString() };
}

export const operatorOf = (v: Validator): Uint8Array => parseValoper(v.operatorAddress);
export const pubKeyOf = (v: Validator): Uint8Array => ed25519FromAny(v.consensusPubkey);

export class StakingKeeper {
  /** sha256("bonded_tokens_pool")[:20]: holds every validator's delegated tokens. */
  readonly bondedPool = moduleAddress(BONDED_POOL_NAME);
  /** sha256("not_bonded_tokens_pool")[:20]: holds the balances of unbonding entries. */
  readonly notBondedPool = moduleAddress(NOT_BONDED_POOL_NAME);

  constructor(readonly bank: StakingBank) {
    bank.blockRecipient(this.bondedPool);
    bank.blockRecipient(this.notBondedPool);
  }

  store(ctx: Context): KVStore {
    return ctx.kvStore(keys.STORE);
  }

  get bondedPoolAddress(): string {
    return formatAddress(this.bondedPool);
  }

  get notBondedPoolAddress(): string {
    return formatAddress(this.notBondedPool);
  }

  // ---- params

  getParams(ctx: Context): StakingParams {
    const raw = this.store(ctx).get(keys.PARAMS_KEY);
    return raw ? decodeParams(raw) : { ...DEFAULT_PARAMS };
  }

  setParams(ctx: Context, p: StakingParams): void {
    this.store(ctx).set(keys.PARAMS_KEY, encodeParams(p));
  }

  // ---- validators

  getValidator(ctx: Context, operator: Uint8Array): Validator | undefined {
    const raw = this.store(ctx).get(keys.validatorKey(operator));
    return raw ? Validator.decode(raw) : undefined;
  }

  /** Writes the record and its consensus-address index (the key never changes). */
  setValidator(ctx: Context, v: Validator): void {
    const store = this.store(ctx);
    store.set(keys.validatorKey(operatorOf(v)), Validator.encode(v).finish());
    store.set(keys.consAddrKey(consensusAddress(pubKeyOf(v))), operatorOf(v));
  }

  operatorByConsAddr(ctx: Context, consAddr: Uint8Array): Uint8Array | undefined {
    return this.store(ctx).get(keys.consAddrKey(consAddr));
  }

  /** Every validator in operator-key order. */
  validators(ctx: Context): Validator[] {
    const p = keys.VALIDATOR_PREFIX;
    return [...this.store(ctx).iterator(p, prefixEnd(p))].map(([, v]) => Validator.decode(v));
  }

  setStatus(ctx: Context, operator: Uint8Array, status: BondStatus): void {
    const v = this.getValidator(ctx, operator);
    if (v && v.status !== status) this.setValidator(ctx, { ...v, status });
  }

  isTombstoned(ctx: Context, consAddr: Uint8Array): boolean {
    return this.store(ctx).has(keys.tombstoneKey(consAddr));
  }

  setTombstoned(ctx: Context, consAddr: Uint8Array): void {
    this.store(ctx).set(keys.tombstoneKey(consAddr), keys.PRESENT);
  }

  tombstones(ctx: Context): Uint8Array[] {
    const p = keys.TOMBSTONE_PREFIX;
    return [...this.store(ctx).iterator(p, prefixEnd(p))].map(([k]) => k.slice(p.length));
  }

  // ---- the last validator set (what consensus was last told)

  lastPowers(ctx: Context): { operator: Uint8Array; power: bigint }[] {
    const p = keys.LAST_POWER_PREFIX;
    return [...this.store(ctx).iterator(p, prefixEnd(p))].map(([k, v]) => ({
      operator: k.slice(p.length + 1),
      power: keys.readU64be(v),
    }));
  }

  setLastPower(ctx: Context, operator: Uint8Array, power: bigint): void {
    if (power === 0n) this.store(ctx).delete(keys.lastPowerKey(operator));
    else this.store(ctx).set(keys.lastPowerKey(operator), keys.u64be(power));
  }

  // ---- delegations (plain token amounts)

  getDelegation(ctx: Context, delegator: Uint8Array, operator: Uint8Array): bigint {
    const raw = this.store(ctx).get(keys.delegationKey(delegator, operator));
    return raw ? BigInt(fromUtf8.decode(raw)) : 0n;
  }

  setDelegation(ctx: Context, delegator: Uint8Array, operator: Uint8Array, amount: bigint): void {
    const store = this.store(ctx);
    if (amount === 0n) {
      store.delete(keys.delegationKey(delegator, operator));
      store.delete(keys.delegationByValKey(operator, delegator));
    } else {
      store.set(keys.delegationKey(delegator, operator), utf8Bytes(amount.toString()));
      store.set(keys.delegationByValKey(operator, delegator), keys.PRESENT);
    }
  }

  /** A delegator's delegations in validator-key order. */
  delegationsOf(ctx: Context, delegator: Uint8Array): { operator: Uint8Array; amount: bigint }[] {
    const p = keys.delegationsOfPrefix(delegator);
    return [...this.store(ctx).iterator(p, prefixEnd(p))].map(([k, v]) => ({
      operator: k.slice(p.length + 1),
      amount: BigInt(fromUtf8.decode(v)),
    }));
  }

  /** A validator's delegations in delegator-key order. */
  delegationsTo(ctx: Context, operator: Uint8Array): { delegator: Uint8Array; amount: bigint }[] {
    const p = keys.delegationsToPrefix(operator);
    return [...this.store(ctx).iterator(p, prefixEnd(p))].map(([k]) => {
      const delegator = k.slice(p.length + 1);
      return { delegator, amount: this.getDelegation(ctx, delegator, operator) };
    });
  }

  allDelegations(ctx: Context): { delegator: Uint8Array; operator: Uint8Array; amount: bigint }[] {
    const p = keys.DELEGATION_PREFIX;
    return [...this.store(ctx).iterator(p, prefixEnd(p))].map(([k, v]) => {
      const [delegator, operator] = keys.readTwo(k, p.length);
      return { delegator, operator, amount: BigInt(fromUtf8.decode(v)) };
    });
  }

  // ---- unbonding delegations and their completion queue

  getUnbonding(ctx: Context, delegator: Uint8Array, operator: Uint8Array): UnbondingDelegation | undefined {
    const raw = this.store(ctx).get(keys.unbondingKey(delegator, operator));
    return raw ? UnbondingDelegation.decode(raw) : undefined;
  }

  /** Writes the record and its index; one without entries is deleted. */
  setUnbonding(ctx: Context, delegator: Uint8Array, operator: Uint8Array, ubd: UnbondingDelegation): void {
    const store = this.store(ctx);
    if (ubd.entries.length === 0) {
      store.delete(keys.unbondingKey(delegator, operator));
      store.delete(keys.unbondingByValKey(operator, delegator));
    } else {
      store.set(keys.unbondingKey(delegator, operator), UnbondingDelegation.encode(ubd).finish());
      store.set(keys.unbondingByValKey(operator, delegator), keys.PRESENT);
    }
  }

  unbondingsOf(ctx: Context, delegator: Uint8Array): UnbondingDelegation[] {
    const p = keys.unbondingsOfPrefix(delegator);
    return [...this.store(ctx).iterator(p, prefixEnd(p))].map(([, v]) => UnbondingDelegation.decode(v));
  }

  unbondingsFrom(ctx: Context, operator: Uint8Array): { delegator: Uint8Array; ubd: UnbondingDelegation }[] {
    const p = keys.unbondingsFromPrefix(operator);
    return [...this.store(ctx).iterator(p, prefixEnd(p))].map(([k]) => {
      const delegator = k.slice(p.length + 1);
      return { delegator, ubd: this.getUnbonding(ctx, delegator, operator)! };
    });
  }

  allUnbondings(ctx: Context): UnbondingDelegation[] {
    const p = keys.UNBONDING_PREFIX;
    return [...this.store(ctx).iterator(p, prefixEnd(p))].map(([, v]) => UnbondingDelegation.decode(v));
  }

  enqueue(ctx: Context, completionNs: bigint, delegator: Uint8Array, operator: Uint8Array): void {
    this.store(ctx).set(keys.queueKey(completionNs, delegator, operator), keys.PRESENT);
  }

  /** Queue entries due at or before `nowNs`, in queue order, removed from the queue. */
  takeMatured(ctx: Context, nowNs: bigint): { delegator: Uint8Array; operator: Uint8Array }[] {
    const p = keys.UNBONDING_QUEUE_PREFIX;
    const end = keys.queueKey(nowNs + 1n, new Uint8Array(0), new Uint8Array(0)).subarray(0, p.length + 8);
    const due = [...this.store(ctx).iterator(p, end)].map(([k]) => k);
    return due.map((k) => {
      this.store(ctx).delete(k);
      const [delegator, operator] = keys.readTwo(k, p.length + 8);
      return { delegator, operator };
    });
  }
}
