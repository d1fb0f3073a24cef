// Coins as the SDK validates them: bigint amounts, denoms by the SDK's regex, sorted, unique.
import type { Coin } from "cosmjs-types/cosmos/base/v1beta1/coin";
import { SdkCode, sdkError } from "./errors.js";

export interface Amount {
  denom: string;
  amount: bigint;
}

const DENOM = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const UINT = /^(0|[1-9][0-9]{0,76})$/;

export function validateDenom(denom: string): void {
  if (!DENOM.test(denom)) throw sdkError(SdkCode.InvalidCoins, `invalid denom: ${JSON.stringify(denom)}`);
}

export function parseAmount(amount: string, what = "amount"): bigint {
  if (!UINT.test(amount)) throw sdkError(SdkCode.InvalidCoins, `invalid ${what}: ${JSON.stringify(amount)}`);
  return BigInt(amount);
}

/** Positive, sorted by denom, no duplicates (sdk.Coins.Validate); empty is allowed when allowEmpty. */
export function parseCoins(coins: readonly Coin[], allowEmpty = false): Amount[] {
  if (coins.length === 0 && !allowEmpty) throw sdkError(SdkCode.InvalidCoins, "coins must not be empty");
  const out: Amount[] = [];
  for (const c of coins) {
    validateDenom(c.denom);
    const amount = parseAmount(c.amount, `amount of ${c.denom}`);
    if (amount === 0n) throw sdkError(SdkCode.InvalidCoins, `coin ${c.denom} has a zero amount`);
    const prev = out[out.length - 1];
    if (prev && prev.denom >= c.denom) {
      throw sdkError(
        SdkCode.InvalidCoins,
        `coins are not sorted by denom or repeat one: ${prev.denom}, ${c.denom}`,
      );
    }
    out.push({ denom: c.denom, amount });
  }
  return out;
}

export function coinsToString(coins: readonly Amount[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(",");
}

export function toCoin(c: Amount): Coin {
  return { denom: c.denom, amount: c.amount.toString() };
}

/** Fixed-point decimals with 18 places, as the SDK's LegacyDec, for gas prices. */
export const DEC_PRECISION = 10n ** 18n;

export function parseDec(s: string): bigint {
  const m = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,18}))?$/.exec(s);
  if (!m) throw new Error(`invalid decimal ${JSON.stringify(s)}`);
  const frac = (m[2] ?? "").padEnd(18, "0");
  return BigInt(m[1]!) * DEC_PRECISION + BigInt(frac);
}

export function formatDec(d: bigint): string {
  const int = d / DEC_PRECISION;
  const frac = (d % DEC_PRECISION).toString().padStart(18, "0").replace(/0+$/, "");
  return frac ? `${int}.${frac}` : `${int}`;
}

/** ceil(price × gas) in base units. */
export function requiredFee(gasPrice: bigint, gasLimit: bigint): bigint {
  return (gasPrice * gasLimit + DEC_PRECISION - 1n) / DEC_PRECISION;
}
