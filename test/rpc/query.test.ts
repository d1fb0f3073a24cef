// The CometBFT query subset: parsing, errors and event matching.
import assert from "node:assert/strict";
import { eventMap, matchesEvents, parseQuery, QuerySyntaxError } from "../../node/rpc/query.js";

describe("rpc query language", () => {
  it("parses conditions joined with AND", () => {
    const q = parseQuery(
      "tm.event='Tx' AND tx.height>=5 and message.sender CONTAINS 'open1' AND ibc.port EXISTS",
    );
    assert.deepEqual(q.conditions, [
      { key: "tm.event", op: "=", operand: { kind: "string", value: "Tx" } },
      { key: "tx.height", op: ">=", operand: { kind: "number", value: "5" } },
      { key: "message.sender", op: "CONTAINS", operand: { kind: "string", value: "open1" } },
      { key: "ibc.port", op: "EXISTS" },
    ]);
    assert.deepEqual(parseQuery("a.b=-1.5").conditions[0]?.operand, { kind: "number", value: "-1.5" });
    assert.equal(parseQuery("  tx.hash = 'AB cd'  ").conditions[0]?.operand?.value, "AB cd");
  });

  it("rejects bad syntax with a clear error", () => {
    const bad: Array<[string, RegExp]> = [
      ["", /empty query/],
      ["tx.height", /expected an operator/],
      ["tx.height=", /expected a 'string' or number/],
      ["tx.height='5", /unterminated string/],
      ["tx.height=5 tx.hash='a'", /expected AND/],
      ["tx.height=5 AND", /expected an event key/],
      ["tx.height < 'x'", /needs a number operand/],
      ["a.b CONTAINS 5", /CONTAINS needs a 'string'/],
      ["a.b=5 OR a.c=6", /unsupported keyword OR/],
      ["block.time > DATE 2020-01-01", /unsupported keyword DATE/],
      ['a.b="x"', /unexpected character/],
      ["a.b = 1.", /expected AND/],
    ];
    for (const [q, re] of bad) {
      assert.throws(
        () => parseQuery(q),
        (e: unknown) => e instanceof QuerySyntaxError && re.test(e.message),
        q,
      );
    }
  });

  it("matches event maps like CometBFT's pubsub", () => {
    const events = eventMap([
      { type: "message", attributes: [{ key: "sender", value: "open1abc", index: true }] },
      { type: "transfer", attributes: [{ key: "amount", value: "150stake", index: false }] },
      { type: "transfer", attributes: [{ key: "amount", value: "7stake", index: false }] },
      { type: "skip", attributes: [{ key: "", value: "empty key", index: true }] },
    ]);
    events["tm.event"] = ["Tx"];
    events["tx.height"] = ["18446744073709551615"];
    const m = (q: string) => matchesEvents(parseQuery(q), events);
    assert.equal(m("tm.event='Tx'"), true);
    assert.equal(m("tm.event='NewBlock'"), false);
    assert.equal(m("tm.event='Tx' AND message.sender='open1abc'"), true);
    assert.equal(m("tm.event='Tx' AND message.sender='open1abd'"), false);
    assert.equal(m("transfer.amount>100"), true, "leading number of 150stake");
    assert.equal(m("transfer.amount<8"), true, "any value may match");
    assert.equal(m("transfer.amount>200"), false);
    assert.equal(m("tx.height=18446744073709551615"), true, "exact for big integers");
    assert.equal(m("tx.height>18446744073709551614"), true);
    assert.equal(m("message.sender CONTAINS '1ab'"), true);
    assert.equal(m("message.sender EXISTS"), true);
    assert.equal(m("message.receiver EXISTS"), false);
    assert.equal(m("skip.x EXISTS"), false);
    assert.equal(m("toString EXISTS"), false);
  });
});
