// The ABCI framing and message numbering against byte strings derived by hand from CometBFT v0.38's
// proto/tendermint/abci/types.proto (Request oneof: echo=1 flush=2 info=3 init_chain=5 query=6
// check_tx=8 commit=11 … finalize_block=20; Response: exception=1 echo=2 flush=3 … commit=12 …
// finalize_block=21; ResponseCommit.retain_height=3) and libs/protoio's uvarint length prefix.
import assert from "node:assert/strict";
import { Request, Response } from "cosmjs-types/tendermint/abci/types";
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeRequest,
  decodeUvarint,
  encodeRequest,
  encodeResponse,
  encodeUvarint,
  FrameDecoder,
  FrameError,
} from "../../node/abci/framing.js";
import { delimited } from "./client.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const HELLO = "68656c6c6f";

describe("ABCI framing (CometBFT v0.38 socket protocol)", () => {
  describe("pinned vectors", () => {
    it("Request{echo:{message:'hello'}}: 09 | 0a 07 | 0a 05 'hello'", () => {
      const expected = `09` + `0a07` + `0a05${HELLO}`;
      assert.equal(hex(encodeRequest({ echo: { message: "hello" } })), expected);
      assert.equal(hex(delimited({ echo: { message: "hello" } })), expected);
    });

    it("Response{echo:{message:'hello'}}: 09 | 12 07 | 0a 05 'hello'", () => {
      assert.equal(hex(encodeResponse({ echo: { message: "hello" } })), `09` + `1207` + `0a05${HELLO}`);
    });

    it("flush, commit, exception and finalize_block carry the v0.38 field numbers", () => {
      assert.equal(hex(encodeRequest({ flush: {} })), "021200");
      assert.equal(hex(encodeResponse({ flush: {} })), "021a00");
      assert.equal(hex(encodeRequest({ commit: {} })), "025a00");
      // ResponseCommit{retain_height: 5}: Response field 12 (0x62), retain_height field 3 (0x18).
      assert.equal(hex(encodeResponse({ commit: { retainHeight: 5n } })), "0462021805");
      assert.equal(hex(encodeResponse({ exception: { error: "x" } })), "050a030a0178");
      // Field 20 / 21, wire type 2: tags 0xa2 0x01 / 0xaa 0x01.
      const fb = Request.encode(Request.fromPartial({ finalizeBlock: {} })).finish();
      assert.equal(hex(fb.subarray(0, 2)), "a201");
      const fbr = Response.encode(Response.fromPartial({ finalizeBlock: {} })).finish();
      assert.equal(hex(fbr.subarray(0, 2)), "aa01");
      // check_tx = 8 (0x42), its type RECHECK = 1 at field 2.
      assert.equal(
        hex(encodeRequest({ checkTx: { tx: Uint8Array.of(0xab), type: 1 } })),
        "074205" + "0a01ab1001",
      );
    });

    it("a message over 127 bytes gets a two-byte uvarint prefix", () => {
      const message = "m".repeat(200);
      const bytes = encodeRequest({ echo: { message } });
      // Request = 0a (len 203 = cb 01) 0a (len 200 = c8 01) … → body 206 bytes = ce 01.
      assert.equal(hex(bytes.subarray(0, 8)), "ce010acb010ac801");
      assert.equal(bytes.length, 2 + 206);
    });
  });

  describe("uvarint", () => {
    it("encodes and decodes as Go's binary.PutUvarint / ReadUvarint", () => {
      for (const [n, h] of [
        [0, "00"],
        [1, "01"],
        [127, "7f"],
        [128, "8001"],
        [300, "ac02"],
        [DEFAULT_MAX_MESSAGE_BYTES, "80808032"],
      ] as const) {
        assert.equal(hex(encodeUvarint(n)), h);
        assert.deepEqual(decodeUvarint(Buffer.from(h, "hex")), { value: n, bytes: h.length / 2 });
      }
    });

    it("an unfinished prefix is undefined; more than 10 bytes or a 10th byte over 1 overflows", () => {
      assert.equal(decodeUvarint(Uint8Array.of(0x80, 0x80)), undefined);
      assert.throws(() => decodeUvarint(new Uint8Array(11).fill(0xff)), FrameError);
      assert.throws(() => decodeUvarint(Uint8Array.of(...new Array(9).fill(0xff), 0x02)), FrameError);
      assert.ok(decodeUvarint(Uint8Array.of(...new Array(9).fill(0xff), 0x01)));
    });
  });

  describe("FrameDecoder", () => {
    const echo = (m: string) => encodeRequest({ echo: { message: m } });

    it("several frames in one chunk, and one frame byte by byte", () => {
      const d = new FrameDecoder();
      const both = Buffer.concat([echo("a"), echo("bb"), echo("ccc")]);
      const { frames } = d.push(both);
      assert.deepEqual(
        frames.map((f) => Request.decode(f).echo?.message),
        ["a", "bb", "ccc"],
      );
      const one = echo("x".repeat(300));
      let got: Uint8Array[] = [];
      for (const b of one) got = got.concat(d.push(Uint8Array.of(b)).frames);
      assert.equal(got.length, 1);
      assert.equal(Request.decode(got[0]!).echo?.message, "x".repeat(300));
      assert.equal(d.pending, 0);
    });

    it("a length over the limit is refused from the prefix alone, then nothing more is read", () => {
      const d = new FrameDecoder(1000);
      const r = d.push(Buffer.concat([echo("ok"), Uint8Array.from(encodeUvarint(1001))]));
      assert.equal(r.frames.length, 1);
      assert.match(r.error?.message ?? "", /1001 bytes is over the limit of 1000/);
      assert.equal(d.push(echo("later")).frames.length, 0);
    });

    it("an empty frame (length 0) is a frame with an empty body", () => {
      const { frames } = new FrameDecoder().push(Uint8Array.of(0));
      assert.equal(frames.length, 1);
      assert.equal(frames[0]!.length, 0);
    });
  });

  describe("decodeRequest", () => {
    it("names the oneof field set", () => {
      const body = Request.encode(Request.fromPartial({ info: { version: "0.38.0" } })).finish();
      const { method, request } = decodeRequest(body);
      assert.equal(method, "info");
      assert.equal(request.info?.version, "0.38.0");
    });

    it("refuses empty, unknown or reserved fields, wrong wire types, two fields, truncated bytes", () => {
      const cases: [string, string, RegExp][] = [
        ["empty", "", /empty request/],
        ["SetOption (reserved 4)", "2200", /unknown request field 4/],
        ["BeginBlock (reserved 7)", "3a00", /unknown request field 7/],
        ["field 21", "aa0100", /unknown request field 21/],
        ["echo as a varint", "0805", /wire type 0/],
        ["echo and flush", "0a001200", /2 oneof fields/],
        ["truncated", "0a05", /cannot decode/],
        ["truncated inside", "0a030a0578", /cannot decode/],
      ];
      for (const [name, h, re] of cases) {
        assert.throws(() => decodeRequest(Buffer.from(h, "hex")), re, name);
      }
    });
  });
});
