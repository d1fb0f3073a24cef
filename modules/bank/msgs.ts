// bank messages: MsgSend and MsgMultiSend (one input, as the SDK since v0.50).
import {
  MsgMultiSend,
  MsgMultiSendResponse,
  MsgSend,
  MsgSendResponse,
} from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { parseAddress } from "../../node/app/address.js";
import { type Amount, parseCoins } from "../../node/app/coins.js";
import type { Context } from "../../node/app/context.js";
import { errorFactory, SdkCode, sdkError } from "../../node/app/errors.js";
import type { MsgType } from "../../node/app/module.js";
import type { BankKeeper } from "./keeper.js";

export const MSG_SEND_URL = "/cosmos.bank.v1beta1.MsgSend";
export const MSG_MULTI_SEND_URL = "/cosmos.bank.v1beta1.MsgMultiSend";

/** x/bank's own error codes (codespace "bank", x/bank/types/errors.go). */
export enum BankCode {
  NoInputs = 2,
  NoOutputs = 3,
  InputOutputMismatch = 4,
  SendDisabled = 5,
  MultipleSenders = 9,
}

const BANK_DESCRIPTIONS: Record<BankCode, string> = {
  [BankCode.NoInputs]: "no inputs to send transaction",
  [BankCode.NoOutputs]: "no outputs to send transaction",
  [BankCode.InputOutputMismatch]: "sum inputs != sum outputs",
  [BankCode.SendDisabled]: "send transactions are disabled",
  [BankCode.MultipleSenders]: "multiple senders not allowed",
};

const bankError = errorFactory("bank", BANK_DESCRIPTIONS);

export function bankMsgs(keeper: BankKeeper): MsgType<unknown>[] {
  const send: MsgType<MsgSend> = {
    typeUrl: MSG_SEND_URL,
    decode: (bytes) => MsgSend.decode(bytes),
    signers: (msg) => [msg.fromAddress],
    validateBasic(msg) {
      parseAddress(msg.fromAddress, "from address");
      parseAddress(msg.toAddress, "to address");
      parseCoins(msg.amount);
    },
    handle(ctx, msg) {
      const coins = parseCoins(msg.amount);
      checkSendable(keeper, ctx, coins, msg.toAddress);
      keeper.sendCoins(ctx, parseAddress(msg.fromAddress), parseAddress(msg.toAddress), coins);
      return { typeUrl: "/cosmos.bank.v1beta1.MsgSendResponse", value: MsgSendResponse.encode({}).finish() };
    },
  };

  const multiSend: MsgType<MsgMultiSend> = {
    typeUrl: MSG_MULTI_SEND_URL,
    decode: (bytes) => MsgMultiSend.decode(bytes),
    signers: (msg) => msg.inputs.map((i) => i.address),
    validateBasic(msg) {
      if (msg.inputs.length === 0) throw bankError(BankCode.NoInputs);
      if (msg.inputs.length > 1) throw bankError(BankCode.MultipleSenders);
      if (msg.outputs.length === 0) throw bankError(BankCode.NoOutputs);
      const input = msg.inputs[0]!;
      parseAddress(input.address, "input address");
      const inTotal = total(parseCoins(input.coins));
      const outTotal = new Map<string, bigint>();
      for (const o of msg.outputs) {
        parseAddress(o.address, "output address");
        for (const [denom, amount] of total(parseCoins(o.coins))) {
          outTotal.set(denom, (outTotal.get(denom) ?? 0n) + amount);
        }
      }
      const same = inTotal.size === outTotal.size && [...inTotal].every(([d, a]) => outTotal.get(d) === a);
      if (!same) throw bankError(BankCode.InputOutputMismatch);
    },
    handle(ctx, msg) {
      const input = msg.inputs[0]!;
      const from = parseAddress(input.address);
      const inCoins = parseCoins(input.coins);
      checkSendable(keeper, ctx, inCoins);
      keeper.subtract(ctx, from, inCoins);
      ctx.events.emit("message", { sender: input.address });
      for (const o of msg.outputs) {
        const coins = parseCoins(o.coins);
        checkSendable(keeper, ctx, coins, o.address);
        keeper.add(ctx, parseAddress(o.address), coins);
        ctx.events.emit("transfer", {
          recipient: o.address,
          amount: o.coins.map((c) => c.amount + c.denom).join(","),
        });
      }
      return {
        typeUrl: "/cosmos.bank.v1beta1.MsgMultiSendResponse",
        value: MsgMultiSendResponse.encode({}).finish(),
      };
    },
  };

  return [send, multiSend] as MsgType<unknown>[];
}

function checkSendable(keeper: BankKeeper, ctx: Context, coins: readonly Amount[], recipient?: string): void {
  for (const c of coins) {
    if (!keeper.isSendEnabled(ctx, c.denom)) {
      throw bankError(BankCode.SendDisabled, `${c.denom} transfers are currently disabled`);
    }
  }
  if (recipient && keeper.isBlockedRecipient(recipient)) {
    throw sdkError(SdkCode.Unauthorized, `${recipient} is not allowed to receive funds`);
  }
}

function total(coins: readonly Amount[]): Map<string, bigint> {
  return new Map(coins.map((c) => [c.denom, c.amount]));
}
