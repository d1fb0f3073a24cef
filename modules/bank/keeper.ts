// The bank keeper: balances, total supply, denom metadata and send-enabled flags. It alone
// reads and writes the "bank" store; it asks auth only to create accounts on first receive.
import type { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { Metadata as MetadataCodec, Params } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import { formatAddress, moduleAddress, parseAddress } from "../../node/app/address.js";
import { type Amount, coinsToString } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import { SdkCode, sdkError } from "../../node/app/errors.js";
import { prefixEnd, utf8Bytes } from "../../node/store/kv.js";
import * as keys from "./keys.js";

/** What bank needs from auth (the SDK's expected_keepers.go). */
export interface AccountCreator {
  ensureAccount(ctx: Context, address: Uint8Array): void;
}

export const FEE_COLLECTOR = "fee_collector";
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class BankKeeper {
  readonly feeCollector = moduleAddress(FEE_COLLECTOR);
  private readonly blocked: Set<string>;

  constructor(private readonly accounts: AccountCreator) {
    this.blocked = new Set([formatAddress(this.feeCollector)]);
  }

  private store(ctx: Context) {
    return ctx.kvStore(keys.STORE);
  }

  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint {
    const raw = this.store(ctx).get(keys.balanceKey(address, denom));
    return raw ? BigInt(fromUtf8.decode(raw)) : 0n;
  }

  getAllBalances(ctx: Context, address: Uint8Array): Amount[] {
    const prefix = keys.balancesPrefix(address);
    const out: Amount[] = [];
    for (const [key, value] of this.store(ctx).iterator(prefix, prefixEnd(prefix))) {
      out.push({
        denom: fromUtf8.decode(key.subarray(prefix.length)),
        amount: BigInt(fromUtf8.decode(value)),
      });
    }
    return out;
  }

  private setBalance(ctx: Context, address: Uint8Array, denom: string, amount: bigint): void {
    const key = keys.balanceKey(address, denom);
    if (amount === 0n) this.store(ctx).delete(key);
    else this.store(ctx).set(key, utf8Bytes(amount.toString()));
  }

  /** Moves coins; fails with SDK code 5 without partial effects (callers run in a branch). */
  sendCoins(ctx: Context, from: Uint8Array, to: Uint8Array, coins: readonly Amount[]): void {
    this.subtract(ctx, from, coins);
    this.add(ctx, to, coins);
    const amount = coinsToString(coins);
    const sender = formatAddress(from);
    const recipient = formatAddress(to);
    ctx.events.emit("transfer", { recipient, sender, amount });
    ctx.events.emit("message", { sender });
  }

  subtract(ctx: Context, address: Uint8Array, coins: readonly Amount[]): void {
    for (const c of coins) {
      const balance = this.getBalance(ctx, address, c.denom);
      if (balance < c.amount) {
        throw sdkError(
          SdkCode.InsufficientFunds,
          `spendable balance ${balance}${c.denom} is smaller than ${c.amount}${c.denom}`,
        );
      }
      this.setBalance(ctx, address, c.denom, balance - c.amount);
    }
    ctx.events.emit("coin_spent", { spender: formatAddress(address), amount: coinsToString(coins) });
  }

  add(ctx: Context, address: Uint8Array, coins: readonly Amount[]): void {
    this.accounts.ensureAccount(ctx, address);
    for (const c of coins)
      this.setBalance(ctx, address, c.denom, this.getBalance(ctx, address, c.denom) + c.amount);
    ctx.events.emit("coin_received", { receiver: formatAddress(address), amount: coinsToString(coins) });
  }

  /** The ante handler's fee payment, into the fee collector module account. */
  deductFee(ctx: Context, payer: Uint8Array, fee: readonly Amount[]): void {
    try {
      this.sendCoins(ctx, payer, this.feeCollector, fee);
    } catch (err) {
      if (err instanceof Error && "code" in err && err.code === SdkCode.InsufficientFunds) {
        throw sdkError(SdkCode.InsufficientFunds, `insufficient funds to pay fees: ${err.message}`);
      }
      throw err;
    }
  }

  /** Refuses MsgSend / MsgMultiSend to a module account (e.g. an escrow that must hold bonds only). */
  blockRecipient(address: Uint8Array): void {
    this.blocked.add(formatAddress(address));
  }

  /** Module accounts (fee collector, escrows…) take no sends; any spelling of the address counts. */
  isBlockedRecipient(address: string): boolean {
    let canonical: string;
    try {
      canonical = formatAddress(parseAddress(address));
    } catch {
      return false; // not an address: the message's own checks refuse it
    }
    return this.blocked.has(canonical);
  }

  getSupply(ctx: Context, denom: string): bigint {
    const raw = this.store(ctx).get(keys.supplyKey(denom));
    return raw ? BigInt(fromUtf8.decode(raw)) : 0n;
  }

  setSupply(ctx: Context, denom: string, amount: bigint): void {
    if (amount === 0n) this.store(ctx).delete(keys.supplyKey(denom));
    else this.store(ctx).set(keys.supplyKey(denom), utf8.encode(amount.toString()));
  }

  getTotalSupply(ctx: Context): Amount[] {
    const out: Amount[] = [];
    const p = keys.SUPPLY_PREFIX;
    for (const [key, value] of this.store(ctx).iterator(p, prefixEnd(p))) {
      out.push({ denom: fromUtf8.decode(key.subarray(1)), amount: BigInt(fromUtf8.decode(value)) });
    }
    return out;
  }

  /** Creates coins in an account and the supply (genesis and, later, module minting). */
  mint(ctx: Context, address: Uint8Array, coins: readonly Amount[]): void {
    this.add(ctx, address, coins);
    for (const c of coins) this.setSupply(ctx, c.denom, this.getSupply(ctx, c.denom) + c.amount);
  }

  /** Removes coins from an account and the supply (the SDK's BurnCoins: slashed stake). */
  burn(ctx: Context, address: Uint8Array, coins: readonly Amount[]): void {
    this.subtract(ctx, address, coins);
    for (const c of coins) this.setSupply(ctx, c.denom, this.getSupply(ctx, c.denom) - c.amount);
    ctx.events.emit("burn", { burner: formatAddress(address), amount: coinsToString(coins) });
  }

  /** Every account balance in key order, for genesis export. */
  *allBalances(ctx: Context): Generator<{ address: Uint8Array; coins: Amount[] }> {
    const p = keys.BALANCES_PREFIX;
    let current: { address: Uint8Array; coins: Amount[] } | undefined;
    for (const [key, value] of this.store(ctx).iterator(p, prefixEnd(p))) {
      const len = key[1]!;
      const address = key.subarray(2, 2 + len);
      const coin = { denom: fromUtf8.decode(key.subarray(2 + len)), amount: BigInt(fromUtf8.decode(value)) };
      if (current && Buffer.compare(current.address, address) === 0) current.coins.push(coin);
      else {
        if (current) yield current;
        current = { address: Uint8Array.from(address), coins: [coin] };
      }
    }
    if (current) yield current;
  }

  getParams(ctx: Context): Params {
    const raw = this.store(ctx).get(keys.PARAMS_KEY);
    return raw ? Params.decode(raw) : { sendEnabled: [], defaultSendEnabled: true };
  }

  setParams(ctx: Context, params: Params): void {
    this.store(ctx).set(keys.PARAMS_KEY, Params.encode(params).finish());
  }

  isSendEnabled(ctx: Context, denom: string): boolean {
    const raw = this.store(ctx).get(keys.sendEnabledKey(denom));
    return raw ? raw[0] === 1 : this.getParams(ctx).defaultSendEnabled;
  }

  setSendEnabled(ctx: Context, denom: string, enabled: boolean): void {
    this.store(ctx).set(keys.sendEnabledKey(denom), Uint8Array.of(enabled ? 1 : 0));
  }

  *sendEnabledEntries(ctx: Context): Generator<{ denom: string; enabled: boolean }> {
    const p = keys.SEND_ENABLED_PREFIX;
    for (const [key, value] of this.store(ctx).iterator(p, prefixEnd(p))) {
      yield { denom: fromUtf8.decode(key.subarray(1)), enabled: value[0] === 1 };
    }
  }

  getDenomMetadata(ctx: Context, denom: string): Metadata | undefined {
    const raw = this.store(ctx).get(keys.denomMetadataKey(denom));
    return raw ? MetadataCodec.decode(raw) : undefined;
  }

  setDenomMetadata(ctx: Context, metadata: Metadata): void {
    this.store(ctx).set(keys.denomMetadataKey(metadata.base), MetadataCodec.encode(metadata).finish());
  }

  *allDenomMetadata(ctx: Context): Generator<Metadata> {
    const p = keys.DENOM_METADATA_PREFIX;
    for (const [, value] of this.store(ctx).iterator(p, prefixEnd(p))) yield MetadataCodec.decode(value);
  }
}
