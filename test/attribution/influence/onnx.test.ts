import assert from "node:assert/strict";
import { decodeModel } from "../../../node/attribution/onnx/reader.js";
import {
  floatTensor,
  openSession,
  parseProvider,
  runFloat,
  supportedBackends,
} from "../../../node/attribution/onnx/runtime.js";
import { encodeModel, type OnnxModel } from "../../../node/attribution/onnx/writer.js";

// y = Softmax(x·W + b); o = Reshape(Unsqueeze(x, 2) * Unsqueeze(y, 1), [0, -1]); c = Concat(o, y)
function testModel(W: Float32Array, b: Float32Array): OnnxModel {
  return {
    producerName: "test",
    producerVersion: "1",
    docString: "writer round trip",
    graph: {
      name: "g",
      nodes: [
        { opType: "MatMul", inputs: ["x", "W"], outputs: ["xw"] },
        { opType: "Add", inputs: ["xw", "b"], outputs: ["z"] },
        { opType: "Softmax", inputs: ["z"], outputs: ["y"], attributes: [{ name: "axis", int: 1 }] },
        { opType: "Unsqueeze", inputs: ["x", "two"], outputs: ["x3"] },
        { opType: "Unsqueeze", inputs: ["y", "one"], outputs: ["y3"] },
        { opType: "Mul", inputs: ["x3", "y3"], outputs: ["outer"] },
        { opType: "Reshape", inputs: ["outer", "flat"], outputs: ["o"] },
        { opType: "Concat", inputs: ["o", "y"], outputs: ["c"], attributes: [{ name: "axis", int: 1 }] },
      ],
      initializers: [
        { name: "W", dims: [2, 3], data: W },
        { name: "b", dims: [3], data: b },
        { name: "two", dims: [1], data: BigInt64Array.of(2n) },
        { name: "one", dims: [1], data: BigInt64Array.of(1n) },
        { name: "flat", dims: [2], data: BigInt64Array.of(0n, -1n) },
      ],
      inputs: [{ name: "x", elemType: "float32", shape: ["n", 2] }],
      outputs: [
        { name: "y", elemType: "float32", shape: ["n", 3] },
        { name: "c", elemType: "float32", shape: ["n", 9] },
      ],
    },
    metadata: [
      ["k1", "v1"],
      ["k2", "ü"],
    ],
  };
}

function reference(x: number[][], W: Float32Array, b: Float32Array) {
  return x.map((row) => {
    const z = [0, 1, 2].map((c) => row[0]! * W[c]! + row[1]! * W[3 + c]! + b[c]!);
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, v) => a + v, 0);
    const y = e.map((v) => v / s);
    return { y, c: [...row.flatMap((xv) => y.map((yv) => xv * yv)), ...y] };
  });
}

describe("attribution/onnx: ModelProto writer", () => {
  const W = Float32Array.of(0.5, -1, 2, 1.5, 0.25, -0.75);
  const b = Float32Array.of(0.1, 0, -0.2);

  it("writes a model onnxruntime-node loads and runs, matching a plain-JS reference", async () => {
    const bytes = encodeModel(testModel(W, b));
    const { session, provider } = await openSession(bytes, { provider: "cpu" });
    assert.equal(provider, "cpu");
    const x = [
      [1, 2],
      [-0.5, 3],
      [0, 0],
    ];
    const [y, c] = await runFloat(session, { x: floatTensor(Float32Array.from(x.flat()), [3, 2]) }, [
      "y",
      "c",
    ]);
    const ref = reference(x, W, b);
    ref.forEach((r, i) => {
      for (const [j, v] of r.y.entries()) assert.ok(Math.abs(y![i * 3 + j]! - v) < 1e-6, `y[${i},${j}]`);
      for (const [j, v] of r.c.entries()) assert.ok(Math.abs(c![i * 9 + j]! - v) < 1e-6, `c[${i},${j}]`);
    });
    await session.release();
  });

  it("is deterministic and reads back: header, opset, metadata, initializers", () => {
    const a = encodeModel(testModel(W, b));
    assert.deepEqual(encodeModel(testModel(W, b)), a);
    const d = decodeModel(a);
    assert.equal(d.irVersion, 8);
    assert.deepEqual(d.opsets, [{ domain: "", version: 17 }]);
    assert.equal(d.producerName, "test");
    assert.equal(d.graphName, "g");
    assert.deepEqual(
      [...d.metadata],
      [
        ["k1", "v1"],
        ["k2", "ü"],
      ],
    );
    assert.deepEqual(
      d.initializers.map((t) => [t.name, t.dims, t.dataType]),
      [
        ["W", [2, 3], 1],
        ["b", [3], 1],
        ["two", [1], 7],
        ["one", [1], 7],
        ["flat", [2], 7],
      ],
    );
    assert.deepEqual(d.initializers[0]!.data, W);
    assert.deepEqual(d.initializers[4]!.data, BigInt64Array.of(0n, -1n));
    // A different weight changes the bytes.
    assert.notDeepEqual(encodeModel(testModel(Float32Array.of(0.5, -1, 2, 1.5, 0.25, -0.5), b)), a);
  });

  it("refuses inconsistent tensors, duplicate metadata and malformed bytes", () => {
    const bad = testModel(W, b);
    assert.throws(
      () =>
        encodeModel({
          ...bad,
          graph: { ...bad.graph, initializers: [{ name: "W", dims: [4, 3], data: W }] },
        }),
      /6 values for dims \[4, 3\]/,
    );
    assert.throws(
      () =>
        encodeModel({
          ...bad,
          metadata: [
            ["k", "1"],
            ["k", "2"],
          ],
        }),
      /duplicate metadata key k/,
    );
    const bytes = encodeModel(bad);
    assert.throws(() => decodeModel(bytes.subarray(0, 60)), /ONNX:/);
  });

  it("chooses the execution provider at run time and reports it", async () => {
    const names = supportedBackends().map((s) => s.name);
    assert.ok(names.includes("cpu"));
    const bytes = encodeModel(testModel(W, b));
    const auto = await openSession(bytes, { provider: "auto" });
    assert.ok(auto.provider === "cpu" || auto.provider === "cuda");
    if (auto.provider === "cpu") assert.equal(auto.fallbacks[0]?.provider, "cuda"); // CUDA tried first
    await auto.session.release();
    assert.equal(parseProvider(undefined), "auto");
    assert.equal(parseProvider("cpu"), "cpu");
    assert.throws(() => parseProvider("tpu"), /unknown execution provider "tpu"/);
  });
});
