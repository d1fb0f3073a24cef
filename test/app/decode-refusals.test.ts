// Txs refused while decoding (SDK code 2, codespace sdk), before any signature or state check:
// bytes that are not a TxRaw, a TxRaw with fields appended after signing (the same signed tx under
// another hash), body bytes that are not a TxBody, an unknown message type. Nothing changes.
import assert from "node:assert/strict";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import {
  buildTx,
  coin,
  genesisApp,
  msgSend,
  type Signer,
  signer,
  signParts,
  type TestApp,
} from "./helpers.js";
import { checkRefused, type Refusal } from "./refusal-check.js";

describe("txs refused while decoding", () => {
  let t: TestApp;
  let alice: Signer;
  let bob: Signer;
  let carol: Signer;

  before(async () => {
    [alice, bob, carol] = await Promise.all([signer("alice"), signer("bob"), signer("carol")]);
  });
  beforeEach(async () => {
    t = await genesisApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const send = () => [msgSend(alice.address, bob.address, [coin(1_000)])];
  const assertRefused = (txBytes: Uint8Array, want: Refusal) =>
    checkRefused(t.app, alice, carol, txBytes, want);

  it("malformed TxRaw bytes: 2", async () => {
    await assertRefused(Uint8Array.of(0x0a, 0x05, 0x01), {
      code: 2,
      log: /^cannot decode TxRaw: .*: tx parse error$/,
      deliver: { kind: "nothing" },
    });
    await assertRefused(new TextEncoder().encode("not a transaction at all"), {
      code: 2,
      log: /^cannot decode TxRaw: .*: tx parse error$/,
      deliver: { kind: "nothing" },
    });
  });

  it("a signed tx with an unknown TxRaw field appended: 2, and the original still goes through", async () => {
    const tx = await buildTx(alice, { msgs: send() });
    const malleated = Uint8Array.from([...tx.bytes, 0x48, 0x01]); // field 9, varint 1
    await assertRefused(malleated, {
      code: 2,
      log: /^TxRaw has unknown fields or is not canonically encoded: tx parse error$/,
      deliver: { kind: "nothing" },
    });
    assert.equal(t.app.checkTx(tx.bytes).code, 0);
  });

  it("body bytes that are not a TxBody: 2", async () => {
    const tx = await buildTx(alice, { msgs: send() });
    const raw = TxRaw.encode({
      bodyBytes: Uint8Array.of(0x0a, 0xff, 0x01),
      authInfoBytes: tx.authInfoBytes,
      signatures: [tx.signature],
    }).finish();
    await assertRefused(raw, {
      code: 2,
      log: /^cannot decode TxBody: .*: tx parse error$/,
      deliver: { kind: "nothing" },
    });
  });

  it("an unknown message type URL: 2", async () => {
    const good = await buildTx(alice, { msgs: send() });
    const bodyBytes = TxBody.encode(
      TxBody.fromPartial({
        messages: [
          {
            typeUrl: "/cosmos.bank.v1beta1.MsgBurn",
            value: TxBody.decode(good.bodyBytes).messages[0]!.value,
          },
        ],
      }),
    ).finish();
    const tx = await signParts(alice, bodyBytes, good.authInfoBytes);
    await assertRefused(tx.bytes, {
      code: 2,
      log: "unable to resolve type URL /cosmos.bank.v1beta1.MsgBurn: tx parse error",
      deliver: { kind: "nothing" },
    });
  });
});
