// The check every refused models tx must pass: the same code and log in checkTx and in a block,
// no models events, and no change to the models store (nor to anything, for field errors).
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { runBlock, type Signer, sequenceOf } from "../app/helpers.js";
import {
  deliverOk,
  deprecateModel,
  type ModelsTestApp,
  registerAdapter,
  registerModel,
  sha,
  signTx,
} from "./helpers.js";

/** Model 1 (alice) with adapter 1 (bob); model 2 (alice), deprecated. */
export async function fixture(t: ModelsTestApp, alice: Signer, bob: Signer): Promise<void> {
  await deliverOk(t, alice, registerModel(alice.address));
  await deliverOk(t, bob, registerAdapter(bob.address));
  await deliverOk(
    t,
    alice,
    registerModel(alice.address, { artifactSha256: sha("old") }),
    deprecateModel(alice.address, 2n),
  );
}

/**
 * The tx is refused with this code and log in checkTx and in a block. "fields": refused before
 * the ante handler, so the whole app hash stays; "state": the models store stays.
 */
export async function refused(
  t: ModelsTestApp,
  s: Signer,
  msgs: EncodeObject[],
  code: number,
  log: string | RegExp,
  stage: "fields" | "state",
  codespace = "models",
): Promise<void> {
  const before = {
    models: toHex(t.committed.storeRoot("models")),
    app: toHex(t.app.info().lastBlockAppHash),
  };
  const sequence = sequenceOf(t.app, s.address);
  const tx = await signTx(s, msgs, sequence);
  for (const [where, res] of [
    ["checkTx", t.app.checkTx(tx)],
    ["block", (await runBlock(t.app, [tx])).txResults[0]!],
  ] as const) {
    assert.equal(res.code, code, `${where}: code (log: ${res.log})`);
    assert.equal(res.codespace, codespace, `${where}: codespace`);
    if (typeof log === "string") assert.equal(res.log, log, `${where}: log`);
    else assert.match(res.log, log, `${where}: log`);
    assert.equal(
      res.events.filter((e) => e.type.startsWith("model") || e.type.startsWith("adapter")).length,
      0,
    );
  }
  assert.equal(toHex(t.committed.storeRoot("models")), before.models, "the models store is unchanged");
  if (stage === "fields") {
    assert.equal(toHex(t.app.info().lastBlockAppHash), before.app, "nothing at all changed");
    assert.equal(sequenceOf(t.app, s.address), sequence);
  } else {
    assert.equal(sequenceOf(t.app, s.address), sequence + 1n, "fee and sequence are taken");
  }
}
