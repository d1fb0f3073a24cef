// ABCI events as modules emit them. Attribute values are strings; every attribute is indexed,
// as the SDK's default index-events setting does.
import type { Event } from "cosmjs-types/tendermint/abci/types";

export class EventManager {
  private readonly list: Event[] = [];

  emit(type: string, attributes: Record<string, string>): void {
    if (!type) throw new Error("event type must not be empty");
    const attrs = Object.entries(attributes).map(([key, value]) => {
      if (!key) throw new Error(`event ${type} has an attribute with an empty key`);
      return { key, value, index: true };
    });
    this.list.push({ type, attributes: attrs });
  }

  append(events: readonly Event[]): void {
    this.list.push(...events);
  }

  get events(): Event[] {
    return this.list;
  }
}
