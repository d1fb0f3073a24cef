// Gas metering with the Cosmos SDK's default costs (store/types/gas.go, x/auth params).
import { SdkCode, sdkError } from "./errors.js";

export const KV_GAS = {
  hasCost: 1000n,
  deleteCost: 1000n,
  readCostFlat: 1000n,
  readCostPerByte: 3n,
  writeCostFlat: 2000n,
  writeCostPerByte: 30n,
  iterNextCostFlat: 30n,
} as const;

/** Thrown when a meter passes its limit; baseapp turns it into SDK code 11. */
export class OutOfGasError extends Error {
  constructor(readonly descriptor: string) {
    super(`out of gas in location: ${descriptor}`);
  }
}

export class GasMeter {
  private used = 0n;

  /** limit undefined = infinite (genesis, simulate, block hooks). */
  constructor(readonly limit?: bigint) {}

  get consumed(): bigint {
    return this.used;
  }

  consume(amount: bigint, descriptor: string): void {
    if (amount < 0n) throw sdkError(SdkCode.Logic, `negative gas ${amount} for ${descriptor}`);
    this.used += amount;
    if (this.limit !== undefined && this.used > this.limit) throw new OutOfGasError(descriptor);
  }

  get remaining(): bigint | undefined {
    return this.limit === undefined ? undefined : this.limit - this.used;
  }
}
