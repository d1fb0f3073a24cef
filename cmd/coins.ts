// Coin strings on the command line: "1000uopen" or "5uopen,7foo".
import { type Amount, parseCoins } from "../node/app/coins.js";

export function parseCoinsString(text: string): Amount[] {
  const parts = text.split(",").map((p) => p.trim());
  const coins = parts.map((p) => {
    const m = /^([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(p);
    if (!m) throw new Error(`invalid coin "${p}": expected an amount and a denom, e.g. 1000uopen`);
    return { denom: m[2]!, amount: m[1]! };
  });
  coins.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
  try {
    return parseCoins(coins);
  } catch (err) {
    throw new Error(`invalid coins "${text}": ${(err as Error).message}`);
  }
}
