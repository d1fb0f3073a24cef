// The datanets message types in a stock cosmjs Registry (what a wallet needs to sign them), the
// generated codecs, the error registry and the reputation formula.
import assert from "node:assert/strict";
import { DirectSecp256k1HdWallet, makeAuthInfoBytes, makeSignDoc, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { TxBody } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { errorRegistry } from "../../modules/datanets/errors.js";
import { emptyStats, reputationBps } from "../../modules/datanets/keeper.js";
import { MsgCreateDatanet, MsgCreateDatanetResponse } from "../../proto/gen/openledger/datanets/v1/tx.js";
import { DataType } from "../../proto/gen/openledger/datanets/v1/types.js";
import { DEV_ACCOUNTS } from "../app/helpers.js";
import { APPROVE, contributeText, create, flag, MSG_TYPES, review, update, withdraw } from "./helpers.js";

const OWNER = "open15rt2ljr8wd45yrmy6g7mvn2nwf2lqw7e4nwnen";

describe("datanets: codecs and a cosmjs Registry", () => {
  const registry = new Registry([...defaultRegistryTypes, ...MSG_TYPES]);
  const samples = [
    create(OWNER, { curators: [OWNER.replace("open15", "open16")] }),
    update(OWNER, 1n, { fields: ["summary"], summary: "s" }),
    contributeText(OWNER, 1n, "héllo", { metadata: '{"lang":"fr"}' }),
    review(OWNER, 7n, APPROVE, 100, "good"),
    withdraw(OWNER, 8n),
    flag(OWNER, 9n, "bad"),
  ];

  it("keeps the placeholder's type URL for MsgCreateDatanet", () => {
    assert.equal(MSG_TYPES[0]![0], "/openledger.datanets.v1.MsgCreateDatanet");
    assert.equal(MSG_TYPES.length, 6);
  });

  it("every message round-trips through encodeAsAny / decode", () => {
    for (const msg of samples) {
      const any = registry.encodeAsAny(msg);
      assert.equal(any.typeUrl, msg.typeUrl);
      assert.deepEqual(registry.decode(any), msg.value, msg.typeUrl);
    }
  });

  it("a stock wallet signs a tx carrying all six messages (SIGN_MODE_DIRECT)", async () => {
    const entry = DEV_ACCOUNTS[0]!;
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(entry.mnemonic, { prefix: "open" });
    const [account] = await wallet.getAccounts();
    const bodyBytes = registry.encode({ typeUrl: "/cosmos.tx.v1beta1.TxBody", value: { messages: samples } });
    const authInfoBytes = makeAuthInfoBytes(
      [
        {
          pubkey: {
            typeUrl: "/cosmos.crypto.secp256k1.PubKey",
            value: new Uint8Array([10, 33, ...account!.pubkey]),
          },
          sequence: 0n,
        },
      ],
      [{ denom: "uopen", amount: "5000" }],
      200_000,
      undefined,
      undefined,
    );
    const doc = makeSignDoc(bodyBytes, authInfoBytes, "openledger-dev-1", 0);
    const { signature } = await wallet.signDirect(account!.address, doc);
    assert.equal(Buffer.from(signature.signature, "base64").length, 64);
    const body = TxBody.decode(bodyBytes);
    assert.deepEqual(
      body.messages.map((m) => m.typeUrl),
      samples.map((m) => m.typeUrl),
    );
  });

  it("uses bigint for uint64 and proto3 defaults in fromPartial", () => {
    const big = 2n ** 63n + 5n;
    assert.equal(
      MsgCreateDatanetResponse.decode(MsgCreateDatanetResponse.encode({ datanetId: big }).finish()).datanetId,
      big,
    );
    const m = MsgCreateDatanet.fromPartial({ name: "x" });
    assert.equal(m.owner, "");
    assert.equal(m.dataType, DataType.DATA_TYPE_UNSPECIFIED);
    assert.deepEqual(m.tags, []);
    // field 1 (owner) is a length-delimited string: tag 0x0a
    assert.equal(MsgCreateDatanet.encode(MsgCreateDatanet.fromPartial({ owner: OWNER })).finish()[0], 0x0a);
  });
});

describe("datanets: error registry and reputation", () => {
  it("codes are distinct, start at 2 and have descriptions", () => {
    const codes = errorRegistry().map(([c]) => c);
    assert.equal(Math.min(...codes), 2);
    assert.equal(new Set(codes).size, codes.length);
    assert.deepEqual(
      codes,
      codes.map((_, i) => i + 2),
      "contiguous",
    );
  });

  it("reputation = approvals × 10000 / (approvals + rejections + 2 × flags), 0 with nothing reviewed", () => {
    const s = (approvals: bigint, rejections: bigint, flags: bigint) => ({
      ...emptyStats(OWNER),
      approvals,
      rejections,
      flags,
    });
    assert.equal(reputationBps(s(0n, 0n, 0n)), 0n);
    assert.equal(reputationBps(s(3n, 0n, 0n)), 10_000n);
    assert.equal(reputationBps(s(3n, 1n, 0n)), 7_500n);
    assert.equal(reputationBps(s(1n, 0n, 1n)), 3_333n);
    assert.equal(reputationBps(s(0n, 5n, 0n)), 0n);
  });
});
