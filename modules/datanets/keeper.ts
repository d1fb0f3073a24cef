// The datanets keeper: datanets, contributions and their indexes, versions, contributor stats,
// daily usage and params. It alone reads and writes the "datanets" store; bonds move through bank.
import { moduleAddress, parseAddress } from "../../node/app/address.js";
import type { Amount } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import type { KVStore } from "../../node/store/kv.js";
import { prefixEnd } from "../../node/store/kv.js";
import {
  Contribution,
  ContributionStatus,
  ContributorStats,
  DailyUsage,
  Datanet,
  DatanetVersion,
  Params,
} from "../../proto/gen/openledger/datanets/v1/types.js";
import * as keys from "./keys.js";
import { DEFAULT_PARAMS } from "./params.js";

/** What datanets needs from bank (the SDK's expected_keepers.go). */
export interface DatanetsBank {
  sendCoins(ctx: Context, from: Uint8Array, to: Uint8Array, coins: readonly Amount[]): void;
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint;
  /** Refuses MsgSend / MsgMultiSend to the address (the escrow holds bonds only). */
  blockRecipient(address: Uint8Array): void;
}

/** What other modules (models) may ask of datanets. */
export interface DatanetsReader {
  datanetExists(ctx: Context, id: bigint): boolean;
  /** True when version ≥ 1 of the datanet has been cut. */
  versionExists(ctx: Context, datanetId: bigint, version: bigint): boolean;
}

export const MODULE_NAME = "datanets";
export const FEE_COLLECTOR_NAME = "fee_collector";

export class DatanetsKeeper implements DatanetsReader {
  /** sha256("datanets")[:20]: holds every escrowed bond. */
  readonly escrow = moduleAddress(MODULE_NAME);
  /** Slashed bonds go here (fees: validators, once distribution exists). */
  readonly feeCollector = moduleAddress(FEE_COLLECTOR_NAME);

  constructor(readonly bank: DatanetsBank) {
    bank.blockRecipient(this.escrow);
  }

  store(ctx: Context): KVStore {
    return ctx.kvStore(keys.STORE);
  }

  // ---- params and counters

  getParams(ctx: Context): Params {
    const raw = this.store(ctx).get(keys.PARAMS_KEY);
    return raw ? Params.decode(raw) : { ...DEFAULT_PARAMS };
  }

  setParams(ctx: Context, p: Params): void {
    this.store(ctx).set(keys.PARAMS_KEY, Params.encode(p).finish());
  }

  /** Next id to give (ids start at 1). */
  getCounter(ctx: Context, key: Uint8Array): bigint {
    const raw = this.store(ctx).get(key);
    return raw ? keys.readU64be(raw) : 1n;
  }

  setCounter(ctx: Context, key: Uint8Array, next: bigint): void {
    this.store(ctx).set(key, keys.u64be(next));
  }

  takeId(ctx: Context, key: Uint8Array): bigint {
    const id = this.getCounter(ctx, key);
    this.setCounter(ctx, key, id + 1n);
    return id;
  }

  // ---- datanets

  getDatanet(ctx: Context, id: bigint): Datanet | undefined {
    const raw = this.store(ctx).get(keys.datanetKey(id));
    return raw ? Datanet.decode(raw) : undefined;
  }

  datanetExists(ctx: Context, id: bigint): boolean {
    return this.store(ctx).has(keys.datanetKey(id));
  }

  versionExists(ctx: Context, datanetId: bigint, version: bigint): boolean {
    return version >= 1n && this.store(ctx).has(keys.versionKey(datanetId, version));
  }

  /** Writes the record and keeps the domain and tag indexes in step with `previous`. */
  setDatanet(ctx: Context, d: Datanet, previous?: Datanet): void {
    const store = this.store(ctx);
    const idKey = keys.u64be(d.id);
    const sameIndexes =
      previous !== undefined &&
      previous.domain === d.domain &&
      previous.tags.length === d.tags.length &&
      previous.tags.every((t, i) => t === d.tags[i]);
    if (sameIndexes) {
      store.set(keys.datanetKey(d.id), Datanet.encode(d).finish());
      return;
    }
    if (previous) {
      for (const t of previous.tags) store.delete(concat(keys.tagPrefix(t), idKey));
      store.delete(concat(keys.domainPrefix(previous.domain), idKey));
    }
    store.set(concat(keys.domainPrefix(d.domain), idKey), keys.PRESENT);
    for (const t of d.tags) store.set(concat(keys.tagPrefix(t), idKey), keys.PRESENT);
    store.set(keys.datanetKey(d.id), Datanet.encode(d).finish());
  }

  *datanets(ctx: Context): Generator<Datanet> {
    for (const [, v] of range(this.store(ctx), keys.DATANET_PREFIX)) yield Datanet.decode(v);
  }

  // ---- contributions

  getContribution(ctx: Context, id: bigint): Contribution | undefined {
    const raw = this.store(ctx).get(keys.contributionKey(id));
    return raw ? Contribution.decode(raw) : undefined;
  }

  getInlineContent(ctx: Context, id: bigint): Uint8Array | undefined {
    return this.store(ctx).get(keys.inlineContentKey(id));
  }

  /** Stores a new contribution with its content and every index. */
  addContribution(ctx: Context, c: Contribution, inline: Uint8Array | undefined): void {
    const store = this.store(ctx);
    const idKey = keys.u64be(c.id);
    store.set(keys.contributionKey(c.id), Contribution.encode(c).finish());
    if (inline && inline.length > 0) store.set(keys.inlineContentKey(c.id), inline);
    store.set(concat(keys.byDatanetPrefix(c.datanetId), idKey), keys.PRESENT);
    store.set(concat(keys.byStatusPrefix(c.datanetId, c.status), idKey), c.contentHash);
    store.set(concat(keys.byContributorPrefix(address(c.contributor)), idKey), keys.PRESENT);
    store.set(concat(keys.byContentPrefix(c.contentHash), idKey), keys.PRESENT);
    if (c.status !== ContributionStatus.CONTRIBUTION_STATUS_WITHDRAWN)
      store.set(keys.contentHashKey(c.datanetId, c.contentHash), idKey);
  }

  /** Moves a contribution to another status (record and status index). */
  setStatus(ctx: Context, c: Contribution, status: ContributionStatus): void {
    const store = this.store(ctx);
    const idKey = keys.u64be(c.id);
    store.delete(concat(keys.byStatusPrefix(c.datanetId, c.status), idKey));
    c.status = status;
    store.set(concat(keys.byStatusPrefix(c.datanetId, status), idKey), c.contentHash);
    store.set(keys.contributionKey(c.id), Contribution.encode(c).finish());
  }

  setContribution(ctx: Context, c: Contribution): void {
    this.store(ctx).set(keys.contributionKey(c.id), Contribution.encode(c).finish());
  }

  /** The contribution that holds this content in the datanet, if any. */
  contentOwner(ctx: Context, datanetId: bigint, hash: Uint8Array): bigint | undefined {
    const raw = this.store(ctx).get(keys.contentHashKey(datanetId, hash));
    return raw ? keys.readU64be(raw) : undefined;
  }

  releaseContentHash(ctx: Context, datanetId: bigint, hash: Uint8Array): void {
    this.store(ctx).delete(keys.contentHashKey(datanetId, hash));
  }

  *contributions(ctx: Context): Generator<Contribution> {
    for (const [, v] of range(this.store(ctx), keys.CONTRIBUTION_PREFIX)) yield Contribution.decode(v);
  }

  /** (id, content sha256) of a datanet's contributions in one status, ascending by id. */
  idsWithStatus(
    ctx: Context,
    datanetId: bigint,
    status: ContributionStatus,
  ): { id: bigint; hash: Uint8Array }[] {
    const prefix = keys.byStatusPrefix(datanetId, status);
    return [...range(this.store(ctx), prefix)].map(([k, v]) => ({
      id: keys.readU64be(k, prefix.length),
      hash: v,
    }));
  }

  // ---- versions

  getVersion(ctx: Context, datanetId: bigint, version: bigint): DatanetVersion | undefined {
    const raw = this.store(ctx).get(keys.versionKey(datanetId, version));
    return raw ? DatanetVersion.decode(raw) : undefined;
  }

  setVersion(ctx: Context, v: DatanetVersion): void {
    this.store(ctx).set(keys.versionKey(v.datanetId, v.version), DatanetVersion.encode(v).finish());
  }

  *versions(ctx: Context): Generator<DatanetVersion> {
    for (const [, v] of range(this.store(ctx), keys.VERSION_PREFIX)) yield DatanetVersion.decode(v);
  }

  /** Marks a datanet whose approved set changed in this block (cleared in EndBlock). */
  markChanged(ctx: Context, datanetId: bigint): void {
    this.store(ctx).set(keys.changedKey(datanetId), keys.PRESENT);
  }

  /** Ids of the datanets marked changed, ascending; the marks are cleared. */
  takeChanged(ctx: Context): bigint[] {
    const store = this.store(ctx);
    const marks = [...range(store, keys.CHANGED_PREFIX)].map(([k]) => k);
    for (const k of marks) store.delete(k);
    return marks.map((k) => keys.readU64be(k, 1));
  }

  // ---- contributor stats

  getStats(ctx: Context, contributor: string): ContributorStats {
    const raw = this.store(ctx).get(keys.statsKey(address(contributor)));
    return raw ? ContributorStats.decode(raw) : emptyStats(contributor);
  }

  setStats(ctx: Context, s: ContributorStats): void {
    this.store(ctx).set(keys.statsKey(address(s.contributor)), ContributorStats.encode(s).finish());
  }

  updateStats(ctx: Context, contributor: string, change: (s: ContributorStats) => void): void {
    const s = this.getStats(ctx, contributor);
    change(s);
    this.setStats(ctx, s);
  }

  /** Adds attribution rewards to a contributor's ContributorStats.rewards_earned. */
  creditRewards(ctx: Context, contributor: string, amount: bigint): void {
    if (amount < 0n) throw new Error(`datanets: negative reward ${amount} for ${contributor}`);
    this.updateStats(ctx, contributor, (s) => {
      s.rewardsEarned = (BigInt(s.rewardsEarned || "0") + amount).toString();
    });
  }

  *allStats(ctx: Context): Generator<ContributorStats> {
    for (const [, v] of range(this.store(ctx), keys.STATS_PREFIX)) yield ContributorStats.decode(v);
  }

  // ---- daily usage

  getUsage(ctx: Context, key: Uint8Array): DailyUsage {
    const raw = this.store(ctx).get(key);
    return raw ? DailyUsage.decode(raw) : { bytes: 0n, files: 0n };
  }

  setUsage(ctx: Context, key: Uint8Array, u: DailyUsage): void {
    this.store(ctx).set(key, DailyUsage.encode(u).finish());
  }

  /** Usage entries of one prefix as (key after the prefix, usage), in key order. */
  usageEntries(ctx: Context, prefix: Uint8Array): [Uint8Array, DailyUsage][] {
    return [...range(this.store(ctx), prefix)].map(([k, v]) => [
      k.subarray(prefix.length),
      DailyUsage.decode(v),
    ]);
  }

  /** Deletes usage of days before `day` (EndBlock: only today's counts matter). */
  pruneUsage(ctx: Context, day: bigint): void {
    const store = this.store(ctx);
    for (const prefix of [keys.CONTRIBUTOR_USAGE_PREFIX, keys.DATANET_USAGE_PREFIX]) {
      const old = [...store.iterator(prefix, concat(prefix, keys.u64be(day)))].map(([k]) => k);
      for (const k of old) store.delete(k);
    }
  }

  // ---- bonds

  /** Sends a bond between an account and the escrow; a zero bond moves nothing. */
  moveBond(ctx: Context, from: Uint8Array, to: Uint8Array, amount: bigint, denom: string): void {
    if (amount > 0n) this.bank.sendCoins(ctx, from, to, [{ denom, amount }]);
  }
}

export function emptyStats(contributor: string): ContributorStats {
  return {
    contributor,
    contributions: 0n,
    bytes: 0n,
    approvals: 0n,
    rejections: 0n,
    flags: 0n,
    withdrawals: 0n,
    rewardsEarned: "0",
  };
}

/** approvals × 10000 / (approvals + rejections + 2 × flags), in basis points; 0 with no reviews. */
export function reputationBps(s: ContributorStats): bigint {
  const denominator = s.approvals + s.rejections + 2n * s.flags;
  return denominator === 0n ? 0n : (s.approvals * 10_000n) / denominator;
}

export function isCurator(d: Datanet, addr: string): boolean {
  return addr === d.owner || d.curators.includes(addr);
}

export function mayContribute(d: Datanet, addr: string): boolean {
  return !d.permissioned || isCurator(d, addr) || d.allowedContributors.includes(addr);
}

function address(bech32: string): Uint8Array {
  return parseAddress(bech32);
}

function range(store: KVStore, prefix: Uint8Array): IterableIterator<[Uint8Array, Uint8Array]> {
  return store.iterator(prefix, prefixEnd(prefix));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
