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
  /** Records put in the batch not yet written, by group id: a group met again merges with them. */
  let unwritten = new Map<string, Bytes>();
  const flushGroup = async () => {
    if (!group) return;
    const key = new Uint8Array(group.body.length + 1);
    key[0] = DbPrefix.TxEventBlock;
    key.set(group.body, 1);
    // A group's entries are contiguous unless a value holds 0x00 and sorts inside another value's
    // run (no module lets such a value through today): merge with what was moved of it already.
    const earlier = unwritten.get(group.id) ?? (await db.get(key));
    const entries = earlier ? [...splitEntries(earlier), ...group.entries] : group.entries;
    entries.sort(byIndex);
    const value = new Uint8Array(entries.length * ENTRY_LEN);
    for (let i = 0; i < entries.length; i++) value.set(entries[i]!, i * ENTRY_LEN);
    batch.put(key, value);
    unwritten.set(group.id, value);
    for (const old of group.oldKeys) batch.del(old);
    pending += group.oldKeys.length;
    group = undefined;
  };
  const writeBatch = async () => {
    await batch.write();
    unwritten = new Map();
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
        await flushGroup();
        if (pending >= BATCH_ENTRIES) await writeBatch();
        group = { id, body: body.slice(), entries: [], oldKeys: [] };
      }
      const entry = new Uint8Array(ENTRY_LEN);
      entry.set(oldKey.subarray(oldKey.length - INDEX_LEN), 0);
      entry.set(hash, INDEX_LEN);
      group.entries.push(entry);
      group.oldKeys.push(oldKey.slice());
    }
    await flushGroup();
    if (pending > 0) await writeBatch();
  } finally {
    await batch.close(); // a no-op once written
  }
  return moved;
}

function splitEntries(value: Bytes): Bytes[] {
  const out: Bytes[] = [];
  for (let at = 0; at + ENTRY_LEN <= value.length; at += ENTRY_LEN) out.push(value.slice(at, at + ENTRY_LEN));
  return out;
}

/** Entries in tx index order (u32be first, so bytewise). */
function byIndex(a: Bytes, b: Bytes): number {
  return Buffer.compare(a.subarray(0, INDEX_LEN), b.subarray(0, INDEX_LEN));
}
