// What settlement needs from other modules (the SDK's expected_keepers.go).
import type { Amount } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import type { MsgRecordInference } from "../../proto/gen/openledger/attribution/v1/tx.js";

export interface SettlementBank {
  sendCoins(ctx: Context, from: Uint8Array, to: Uint8Array, coins: readonly Amount[]): void;
  getBalance(ctx: Context, address: Uint8Array, denom: string): bigint;
  /** Module accounts refused as MsgSend recipients (escrows): refused as payees too. */
  isBlockedRecipient(address: string): boolean;
}

export interface SettlementAttribution {
  /** The owner of the model (or adapter), undefined when there is none. */
  ownerOf(ctx: Context, modelId: bigint, adapterId: bigint): string | undefined;
  /** MsgRecordInference's checks and path for a payer: fee payer → escrow, a pending job. */
  recordPaidInference(ctx: Context, msg: MsgRecordInference): { jobId: bigint; deadlineHeight: bigint };
}
