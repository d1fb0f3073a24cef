// Settlement params (set in genesis).
import { validateDenom } from "../../node/app/coins.js";
import type { Params } from "../../proto/gen/openledger/settlement/v1/types.js";

export const DEFAULT_PARAMS: Params = { denom: "uopen", maxResourceBytes: 2048 };

/** Throws a plain Error naming the param (genesis). */
export function validateParams(p: Params): void {
  try {
    validateDenom(p.denom);
  } catch (err) {
    throw new Error(`settlement.params.denom: ${(err as Error).message}`);
  }
  if (!Number.isInteger(p.maxResourceBytes) || p.maxResourceBytes < 1)
    throw new Error(`settlement.params.max_resource_bytes must be positive, got ${p.maxResourceBytes}`);
}
