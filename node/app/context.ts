// What a message or query handler sees: the block it runs in, its gas meter, an event sink and
// gas-metered access to module stores. Handlers never see the database, consensus or the network.

import type { Bytes, KVStore } from "../store/kv.js";
import type { MultiStore } from "../store/multi-store.js";
import { EventManager } from "./events.js";
import { type GasMeter, KV_GAS } from "./gas.js";

export type ExecMode = "check" | "recheck" | "simulate" | "deliver" | "genesis" | "query";

export interface BlockHeader {
  chainId: string;
  height: bigint;
  /** Block time in nanoseconds since the epoch, from the header (never the local clock). */
  timeNs: bigint;
}

export class Context {
  readonly events = new EventManager();

  constructor(
    readonly header: BlockHeader,
    readonly mode: ExecMode,
    readonly gasMeter: GasMeter,
    private readonly stores: MultiStore,
  ) {}

  kvStore(name: string): KVStore {
    return new GasKV(this.stores.store(name), this.gasMeter);
  }

  get isCheck(): boolean {
    return this.mode === "check" || this.mode === "recheck";
  }

  get isSimulate(): boolean {
    return this.mode === "simulate";
  }
}

/** Charges the SDK's KV gas costs for every access. */
class GasKV implements KVStore {
  constructor(
    private readonly inner: KVStore,
    private readonly meter: GasMeter,
  ) {}

  get(key: Bytes): Bytes | undefined {
    this.meter.consume(KV_GAS.readCostFlat, "ReadFlat");
    const value = this.inner.get(key);
    this.meter.consume(KV_GAS.readCostPerByte * BigInt(key.length + (value?.length ?? 0)), "ReadPerByte");
    return value;
  }

  has(key: Bytes): boolean {
    this.meter.consume(KV_GAS.hasCost, "Has");
    return this.inner.has(key);
  }

  set(key: Bytes, value: Bytes): void {
    this.meter.consume(KV_GAS.writeCostFlat, "WriteFlat");
    this.meter.consume(KV_GAS.writeCostPerByte * BigInt(key.length + value.length), "WritePerByte");
    this.inner.set(key, value);
  }

  delete(key: Bytes): void {
    this.meter.consume(KV_GAS.deleteCost, "Delete");
    this.inner.delete(key);
  }

  *iterator(start?: Bytes, end?: Bytes, reverse?: boolean): IterableIterator<[Bytes, Bytes]> {
    for (const entry of this.inner.iterator(start, end, reverse)) {
      this.meter.consume(KV_GAS.iterNextCostFlat, "IterNextFlat");
      this.meter.consume(KV_GAS.readCostPerByte * BigInt(entry[0].length + entry[1].length), "ValuePerByte");
      yield entry;
    }
  }
}
