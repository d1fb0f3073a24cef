// Moves a home's tx event index from the retired layout, one entry per (tx, attribute) under 0x08,
// to one record per (block, attribute value) under 0x0E. The old entries sort by (key, value,
// height, index), so each run sharing (key, value, height) becomes one new record, written in the
// same batch as the deletion of the entries it replaces: a process killed midway leaves every
// entry in exactly one layout, and the next start carries on.
import { type Db, DbPrefix } from "./db.js";
import { type Bytes, keyToString, prefixEnd } from "./kv.js";
import { ENTRY_LEN } from "./tx-index-block.js";

/** Old entries deleted per batch (whole groups only, so a batch can be a little larger). */
const BATCH_ENTRIES = 20_000;
/** An old key ends with u32be(index); what is before it, past the prefix, is the new key's body. */
const INDEX_LEN = 4;

/** Migrates every retired entry; returns how many were moved. `progress` hears the running count. */
export async function migrateTxEventIndex(db: Db, progress?: (moved: number) => void): Promise<number> {
  const gte = Uint8Array.of(DbPrefix.RetiredTxEvent);
  let moved = 0;
  let batch = db.batch();
  let pending = 0;
  let group: { id: string; body: Bytes; entries: Bytes[]; oldKeys: Bytes[] } | undefined;
  const flushGroup = () => {
    if (!group) return;
    const value = new Uint8Array(group.entries.length * ENTRY_LEN);
    for (let i = 0; i < group.entries.length; i++) value.set(group.entries[i]!, i * ENTRY_LEN);
    const key = new Uint8Array(group.body.length + 1);
    key[0] = DbPrefix.TxEventBlock;
    key.set(group.body, 1);
    batch.put(key, value);
    for (const old of group.oldKeys) batch.del(old);
    pending += group.oldKeys.length;
    group = undefined;
  };
  const writeBatch = async () => {
    await batch.write();
    moved += pending;
    pending = 0;
    progress?.(moved);
    batch = db.batch();
  };
  try {
    for await (const [oldKey, hash] of db.iterator({ gte, lt: prefixEnd(gte)! })) {
      if (oldKey.length < 1 + INDEX_LEN || hash.length !== ENTRY_LEN - INDEX_LEN) {
        throw new Error(`tx index migration: malformed retired entry ${Buffer.from(oldKey).toString("hex")}`);
      }
      const body = oldKey.subarray(1, oldKey.length - INDEX_LEN);
      const id = keyToString(body);
      if (group?.id !== id) {
        flushGroup();
        if (pending >= BATCH_ENTRIES) await writeBatch();
        group = { id, body: body.slice(), entries: [], oldKeys: [] };
      }
      const entry = new Uint8Array(ENTRY_LEN);
      entry.set(oldKey.subarray(oldKey.length - INDEX_LEN), 0);
      entry.set(hash, INDEX_LEN);
      group.entries.push(entry);
      group.oldKeys.push(oldKey.slice());
    }
    flushGroup();
    if (pending > 0) await writeBatch();
  } finally {
    await batch.close(); // a no-op once written
  }
  return moved;
}
