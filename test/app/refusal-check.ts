// The check every refusal test makes: checkTx refuses with the SDK's code and changes nothing;
// the same tx in a block gets the same code and only the effect `want.deliver` allows.
import assert from "node:assert/strict";
import type { ExecTxResult } from "cosmjs-types/tendermint/abci/types";
import type { BaseApp } from "../../node/app/baseapp.js";
import {
  balance,
  buildTx,
  coin,
  DENOM,
  eventsOf,
  FEE_COLLECTOR,
  msgSend,
  runBlock,
  type Signer,
  type Snapshot,
  sequenceOf,
  snapshot,
} from "./helpers.js";

export type DeliverEffect =
  /** Refused before or in the ante handler: the block changes nothing. */
  | { kind: "nothing" }
  /** The messages failed: only the fee and the sequence of the signer moved. */
  | { kind: "feeAndSequence"; fee: bigint };

export interface Refusal {
  code: number;
  codespace?: string;
  log: string | RegExp;
  deliver: DeliverEffect;
}

function matches(actual: ExecTxResult, want: Refusal, where: string) {
  assert.equal(actual.code, want.code, `${where}: code (log: ${actual.log})`);
  assert.equal(actual.codespace, want.codespace ?? "sdk", `${where}: codespace`);
  if (typeof want.log === "string") assert.equal(actual.log, want.log, `${where}: log`);
  else assert.match(actual.log, want.log, `${where}: log`);
  assert.equal(actual.data.length, 0, `${where}: no data`);
}

function withoutHeight(s: Snapshot): Omit<Snapshot, "height"> {
  const { height: _, ...rest } = s;
  return rest;
}

/**
 * checkTx refuses the tx and keeps the check state: alice's committed sequence is still free.
 * Then the tx goes into a block anyway (a proposer may include anything): same code, and only
 * the effect `want.deliver` allows.
 */
export async function checkRefused(
  app: BaseApp,
  alice: Signer,
  carol: Signer,
  txBytes: Uint8Array,
  want: Refusal,
): Promise<ExecTxResult> {
  const before = snapshot(app);
  const seq = sequenceOf(app, alice.address);
  const aliceBefore = balance(app, alice.address);
  const collectedBefore = balance(app, FEE_COLLECTOR);

  const checked = app.checkTx(txBytes);
  matches(checked, want, "checkTx");
  assert.deepEqual(snapshot(app), before, "checkTx changes no committed state");
  // The check state did not take the sequence: a valid tx at the same sequence is admitted.
  const probe = await buildTx(alice, {
    msgs: [msgSend(alice.address, carol.address, [coin(1)])],
    sequence: seq,
  });
  const probed = app.checkTx(probe.bytes);
  assert.equal(probed.code, 0, `after the refusal, sequence ${seq} is still free: ${probed.log}`);

  const block = await runBlock(app, [txBytes]);
  const res = block.txResults[0]!;
  matches(res, want, "finalizeBlock");
  const after = snapshot(app);
  assert.equal(after.height, before.height + 1n);
  if (want.deliver.kind === "nothing") {
    assert.deepEqual(withoutHeight(after), withoutHeight(before), "a refused tx changes nothing");
    assert.deepEqual(res.events, [], "no events from a tx refused before or in the ante handler");
  } else {
    const fee = want.deliver.fee;
    assert.equal(balance(app, alice.address), aliceBefore - fee, "alice paid the fee only");
    assert.equal(sequenceOf(app, alice.address), seq + 1n, "alice's sequence was used");
    assert.equal(balance(app, FEE_COLLECTOR), collectedBefore + fee);
    for (const name of ["bob", "carol", "dave", "eve"] as const) {
      assert.equal(after.balances[name], before.balances[name], `${name}'s balance is unchanged`);
      assert.equal(after.accounts[name], before.accounts[name], `${name}'s account is unchanged`);
    }
    assert.notEqual(after.appHash, before.appHash);
    // The events are the ante handler's only: fee and sequence, no message.
    assert.deepEqual(eventsOf(res.events, "tx")[0], { fee: `${fee}${DENOM}`, fee_payer: alice.address });
    assert.deepEqual(eventsOf(res.events, "tx")[1], { acc_seq: `${alice.address}/${seq}` });
    assert.equal(
      eventsOf(res.events, "message").some((m) => m.action),
      false,
    );
    assert.deepEqual(
      eventsOf(res.events, "transfer").map((e) => e.recipient),
      [FEE_COLLECTOR],
    );
  }
  return res;
}
