import assert from "node:assert/strict";
import { type GeneratedType, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { MsgCreateDatanet, MsgCreateDatanetResponse } from "../../proto/gen/openledger/datanets/v1/tx.js";

const TYPE_URL = "/openledger.datanets.v1.MsgCreateDatanet";
const msg: MsgCreateDatanet = {
  creator: "open15rt2ljr8wd45yrmy6g7mvn2nwf2lqw7e4nwnen",
  name: "medical-imaging",
  description: "Labelled chest X-rays",
  domain: "healthcare",
};

describe("proto codegen (openledger.datanets.v1)", () => {
  it("round-trips MsgCreateDatanet through encode/decode/fromPartial/JSON", () => {
    const bytes = MsgCreateDatanet.encode(msg).finish();
    assert.deepEqual(MsgCreateDatanet.decode(bytes), msg);
    assert.deepEqual(MsgCreateDatanet.fromPartial({ name: "x" }), {
      creator: "",
      name: "x",
      description: "",
      domain: "",
    });
    assert.deepEqual(MsgCreateDatanet.fromJSON(MsgCreateDatanet.toJSON(msg)), msg);
    // field 1 (creator) is a length-delimited string: tag 0x0a
    assert.equal(bytes[0], 0x0a);
  });

  it("uses bigint for uint64 (forceLong=bigint)", () => {
    const big = 2n ** 63n + 5n;
    const bytes = MsgCreateDatanetResponse.encode({ datanetId: big }).finish();
    assert.equal(MsgCreateDatanetResponse.decode(bytes).datanetId, big);
    assert.equal(MsgCreateDatanetResponse.fromPartial({}).datanetId, 0n);
  });

  it("registers in a cosmjs Registry and encodes as an Any", () => {
    const registry = new Registry([
      ...defaultRegistryTypes,
      [TYPE_URL, MsgCreateDatanet as unknown as GeneratedType],
    ]);
    const any = registry.encodeAsAny({ typeUrl: TYPE_URL, value: msg });
    assert.equal(any.typeUrl, TYPE_URL);
    assert.deepEqual(any.value, MsgCreateDatanet.encode(msg).finish());
    assert.deepEqual(registry.decode(any), msg);
    // a bank send still works next to it
    assert.ok(registry.lookupType("/cosmos.bank.v1beta1.MsgSend"));
  });
});
