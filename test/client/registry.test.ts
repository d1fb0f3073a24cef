// The client registry against the chain itself: it knows every message type the modules route,
// and what the builders make encodes through cosmjs's Registry, decodes with the chain's own
// decoder to the same message, and passes the chain's validateBasic.
import assert from "node:assert/strict";
import { decodeTxRaw, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { AuthInfo, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import {
  attributionTypeUrls,
  createdDatanetId,
  datanetsTypeUrls,
  decodeMsgResponses,
  isOpenledgerEncodeObject,
  modelsTypeUrls,
  openledgerRegistry,
  openledgerResponseTypes,
  openledgerTypes,
  registeredModelId,
  settlementTypeUrls,
} from "../../client/index.js";
import { buildModules } from "../../modules/index.js";
import { MsgCreateDatanetResponse } from "../../proto/gen/openledger/datanets/v1/tx.js";
import { MsgRegisterModelResponse } from "../../proto/gen/openledger/models/v1/tx.js";
import { sampleMsgs } from "./samples.js";

describe("client: registry", () => {
  const chainMsgs = buildModules()
    .modules.filter((m) => ["datanets", "models", "attribution", "settlement"].includes(m.name))
    .flatMap((m) => m.msgs);

  it("lists exactly the message types the datanets, models, attribution and settlement modules route", () => {
    assert.deepEqual(openledgerTypes.map(([url]) => url).sort(), chainMsgs.map((m) => m.typeUrl).sort());
    assert.deepEqual(
      [
        ...Object.values(datanetsTypeUrls),
        ...Object.values(modelsTypeUrls),
        ...Object.values(attributionTypeUrls),
        ...Object.values(settlementTypeUrls),
      ].sort(),
      chainMsgs.map((m) => m.typeUrl).sort(),
    );
    assert.deepEqual(
      openledgerResponseTypes.map(([url]) => url),
      openledgerTypes.map(([url]) => `${url}Response`),
    );
  });

  it("keeps cosmjs's default types", () => {
    const registry = openledgerRegistry();
    for (const [url] of defaultRegistryTypes) assert.ok(registry.lookupType(url), url);
    assert.ok(registry.lookupType("/cosmos.bank.v1beta1.MsgSend"));
    assert.equal(new Registry(defaultRegistryTypes).lookupType(datanetsTypeUrls.contribute), undefined);
  });

  it("every builder's message round-trips and passes the chain's validateBasic", () => {
    const registry = openledgerRegistry();
    const msgs = sampleMsgs();
    assert.deepEqual(new Set(msgs.map((m) => m.typeUrl)), new Set(chainMsgs.map((m) => m.typeUrl)));
    for (const msg of msgs) {
      assert.ok(isOpenledgerEncodeObject(msg));
      const any = registry.encodeAsAny(msg);
      assert.equal(any.typeUrl, msg.typeUrl);
      assert.deepEqual(registry.decode(any), msg.value, msg.typeUrl);
      const chainType = chainMsgs.find((m) => m.typeUrl === msg.typeUrl)!;
      const onChain = chainType.decode(any.value);
      assert.deepEqual(onChain, msg.value, msg.typeUrl);
      chainType.validateBasic(onChain);
    }
  });

  it("a TxBody with all of them round-trips through cosmjs's encoder and decodeTxRaw", () => {
    const registry = openledgerRegistry();
    const msgs = sampleMsgs();
    const bodyBytes = registry.encodeTxBody({ messages: msgs, memo: "all" });
    const raw = TxRaw.encode(
      TxRaw.fromPartial({
        bodyBytes,
        authInfoBytes: AuthInfo.encode(AuthInfo.fromPartial({})).finish(),
        signatures: [new Uint8Array(64)],
      }),
    ).finish();
    const tx = decodeTxRaw(raw);
    assert.equal(tx.body.memo, "all");
    assert.deepEqual(
      tx.body.messages.map((m) => registry.decode(m)),
      msgs.map((m) => m.value),
    );
  });

  it("decodes message responses and reads the new ids", () => {
    const result = {
      msgResponses: [
        { typeUrl: "/cosmos.bank.v1beta1.MsgSendResponse", value: new Uint8Array() },
        {
          typeUrl: `${datanetsTypeUrls.createDatanet}Response`,
          value: MsgCreateDatanetResponse.encode({ datanetId: 7n }).finish(),
        },
        {
          typeUrl: `${modelsTypeUrls.registerModel}Response`,
          value: MsgRegisterModelResponse.encode({ modelId: 3n }).finish(),
        },
      ],
    };
    assert.equal(createdDatanetId(result), 7n);
    assert.equal(registeredModelId(result), 3n);
    assert.deepEqual(decodeMsgResponses(result)[1], {
      typeUrl: `${datanetsTypeUrls.createDatanet}Response`,
      value: { datanetId: 7n },
    });
    assert.throws(
      () => createdDatanetId(result, 1),
      /no \/openledger.datanets.v1.MsgCreateDatanetResponse #1/,
    );
  });

  it("is the package's main export", async () => {
    const pkg = await import("openledger-chain");
    assert.ok(pkg.openledgerRegistry().lookupType(modelsTypeUrls.registerAdapter));
    assert.equal(typeof pkg.setupDatanetsExtension, "function");
  });
});
