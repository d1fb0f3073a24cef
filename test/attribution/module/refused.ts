// The check every refused attribution tx must pass, and the fixture the refusal tests share: the
// same code and log in checkTx and in a block, no attribution events, and the attribution,
// datanets and staking stores, the escrow and the treasury as they were. Field errors are refused
// before the ante handler (the app hash stays); state errors after it (fee and sequence taken).
import assert from "node:assert/strict";
import { toHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { msgDeprecateModel, msgRegisterModel } from "../../../client/index.js";
import { formatValoper } from "../../../modules/staking/index.js";
import { parseAddress } from "../../../node/app/address.js";
import { runBlock, type Signer, sequenceOf } from "../../app/helpers.js";
import { BASE_TIME_NS, ESCROW, Harness, sha, TREASURY } from "./helpers.js";

/**
 * Params with small caps (64-byte outputs, 3 entries) and a long window; model 2 deprecated;
 * contribution 5 (carol's) only in datanet 1's version 2; job 1 recorded on model 1.
 */
export async function fixture(): Promise<Harness> {
  const h = await Harness.start({ max_output_bytes: "64", max_entries: 3, result_window_blocks: "1000" });
  const { alice, carol } = h.s;
  await h.ok([
    {
      by: alice,
      msgs: [
        msgRegisterModel({
          owner: alice.address,
          name: "old",
          sha256: sha("old"),
          size: 1,
          format: "gguf",
        }),
        msgDeprecateModel({ owner: alice.address, modelId: 2 }),
      ],
    },
    // Contribution 5 makes datanet 1's version 2; jobs of model 1 see version 1 only.
    {
      by: carol,
      msgs: [{ typeUrl: "/openledger.datanets.v1.MsgContribute", value: contributeValue(carol) }],
    },
  ]);
  assert.equal(await h.record(), 1n);
  return h;
}

export async function refused(
  h: Harness,
  by: Signer,
  msg: EncodeObject,
  code: number,
  log: string,
  stage: "fields" | "state",
) {
  const roots = () => ({
    attribution: toHex(h.t.committed.storeRoot("attribution")),
    datanets: toHex(h.t.committed.storeRoot("datanets")),
    staking: toHex(h.t.committed.storeRoot("staking")),
    escrow: h.balance(ESCROW),
    treasury: h.balance(TREASURY),
  });
  const before = roots();
  const appHash = toHex(h.app.info().lastBlockAppHash);
  const sequence = sequenceOf(h.app, by.address);
  const [tx] = await h.sign([{ by, msgs: [msg] }]);
  const checked = h.app.checkTx(tx!);
  const delivered = (await runBlock(h.app, [tx!], BASE_TIME_NS)).txResults[0]!;
  for (const [where, res] of [
    ["checkTx", checked],
    ["block", delivered],
  ] as const) {
    assert.equal(res.codespace, "attribution", `${where}: codespace (log: ${res.log})`);
    assert.equal(res.code, code, `${where}: code (log: ${res.log})`);
    assert.equal(res.log, log, `${where}: log`);
    assert.equal(
      res.events.filter((e) => e.type.startsWith("attribution") || e.type.startsWith("inference")).length,
      0,
    );
  }
  assert.deepEqual(roots(), before, "attribution, datanets, staking, escrow and treasury are unchanged");
  if (stage === "fields") {
    assert.equal(toHex(h.app.info().lastBlockAppHash), appHash, "nothing at all changed");
    assert.equal(sequenceOf(h.app, by.address), sequence);
  } else assert.equal(sequenceOf(h.app, by.address), sequence + 1n, "fee and sequence are taken");
}

export function valoper(address: string): string {
  return formatValoper(parseAddress(address));
}

function contributeValue(s: Signer) {
  return {
    contributor: s.address,
    datanetId: 1n,
    inlineContent: new TextEncoder().encode("epsilon"),
    license: "CC-BY-4.0",
  };
}
