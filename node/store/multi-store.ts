// One KVStore per module, addressed by store name. A MultiStore branch gives every module its
// own CacheKV over the parent's store of the same name.
import { CacheKV } from "./cache-kv.js";
import type { KVStore } from "./kv.js";

export interface MultiStore {
  store(name: string): KVStore;
}

export class CacheMultiStore implements MultiStore {
  private readonly branches = new Map<string, CacheKV>();

  constructor(private readonly parent: MultiStore) {}

  store(name: string): CacheKV {
    let branch = this.branches.get(name);
    if (!branch) {
      branch = new CacheKV(this.parent.store(name));
      this.branches.set(name, branch);
    }
    return branch;
  }

  branch(): CacheMultiStore {
    return new CacheMultiStore(this);
  }

  write(): void {
    for (const branch of this.branches.values()) branch.write();
  }

  /** Per store name, the writes this branch holds. */
  get writes(): ReadonlyMap<string, CacheKV> {
    return this.branches;
  }
}
