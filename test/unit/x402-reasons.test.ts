// Chain refusals of MsgSettlePayment as x402 reasons: the facilitator's own fee shortfall is not
// reported as the payer's insufficient_funds.
import assert from "node:assert/strict";
import { REASONS } from "../../client/x402/types.js";
import { reasonOfChainError } from "../../node/x402/reasons.js";

describe("x402 reasons of chain refusals", () => {
  it("maps settlement codes and the payer's shortfall; the facilitator's fee shortfall is its own error", () => {
    assert.equal(reasonOfChainError("settlement", 7, "already settled"), REASONS.nonceUsed);
    assert.equal(reasonOfChainError("settlement", 99, ""), REASONS.transactionState);
    assert.equal(
      reasonOfChainError("sdk", 5, "open1payer has 1uopen, the payment is 5uopen: insufficient funds"),
      REASONS.insufficientFunds,
    );
    assert.equal(
      reasonOfChainError("sdk", 5, "insufficient funds to pay fees: 0uopen is smaller than 5000uopen"),
      REASONS.unexpectedSettle,
    );
    assert.equal(reasonOfChainError("sdk", 32, "account sequence mismatch"), REASONS.transactionState);
  });
});
