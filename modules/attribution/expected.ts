// What attribution needs from other modules (the SDK's expected_keepers.go), and the staking view
// built over the staking keeper: the last validator set, consensus keys, and staking's slash rule.
import { moduleAddress } from "../../node/app/address.js";
import type { Amount } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import type {
  Contribution,
  ContributorStats,
  DatanetVersion,
} from "../../proto/gen/openledger/datanets/v1/types.js";
import type { Adapter, Model } from "../../proto/gen/openledger/models/v1/types.js";
import { pubKeyOf, type StakingKeeper } from "../staking/keeper.js";
import { slash } from "../staking/slash.js";

export const MODULE_NAME = "attribution";
export const TREASURY_NAME = "attribution_treasury";
/** sha256("attribution")[:20]: holds the fees of pending jobs. */
export const ESCROW = moduleAddress(MODULE_NAME);
/** sha256("attribution_treasury")[:20]: the protocol treasury's cut and every remainder. */
export const TREASURY = moduleAddress(TREASURY_NAME);

export interface AttributionBank {
  sendCoins(ctx: Context, from: Uint8Array, to: Uint8Array, coins: readonly Amount[]): void;
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint;
  /** Refuses MsgSend / MsgMultiSend to the address. */
  blockRecipient(address: Uint8Array): void;
}

export interface AttributionModels {
  getModel(ctx: Context, id: bigint): Model | undefined;
  getAdapter(ctx: Context, id: bigint): Adapter | undefined;
}

export interface AttributionDatanets {
  getVersion(ctx: Context, datanetId: bigint, version: bigint): DatanetVersion | undefined;
  getContribution(ctx: Context, id: bigint): Contribution | undefined;
  getStats(ctx: Context, contributor: string): ContributorStats;
  /** Adds to ContributorStats.rewards_earned. */
  creditRewards(ctx: Context, contributor: string, amount: bigint): void;
}

/** A member of the last validator set (what consensus runs with). */
export interface SetMember {
  /** Operator account bytes (the operator address's bytes). */
  operator: Uint8Array;
  power: bigint;
}

export interface AttributionStaking {
  /** The last validator set, in the store's key order (deterministic). */
  lastPowers(ctx: Context): SetMember[];
  /** A validator's consensus key and jailed flag; undefined when the account operates none. */
  validator(ctx: Context, operator: Uint8Array): { pubKey: Uint8Array; jailed: boolean } | undefined;
  /** Burns `bps` of the validator's stake by staking's slash rule; returns what was burned. */
  slash(ctx: Context, operator: Uint8Array, bps: number): bigint;
}

export function stakingView(staking: StakingKeeper): AttributionStaking {
  return {
    lastPowers: (ctx) => staking.lastPowers(ctx),
    validator(ctx, operator) {
      const v = staking.getValidator(ctx, operator);
      return v && { pubKey: pubKeyOf(v), jailed: v.jailed };
    },
    slash: (ctx, operator, bps) => slash(staking, ctx, operator, ctx.header.height, BigInt(bps)),
  };
}
