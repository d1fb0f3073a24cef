// The RPC provider parses a malicious node's answers without trusting them: the `validators` pages a
// node reports are bounded (no endless paging), consistent (same total, full pages) and complete.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ProviderError, RpcProvider } from "../../light/index.js";
import { keyFromSecret } from "../../node/types/ed25519.js";
import { makeValidator } from "../../node/types/validator.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON-RPC bodies
type Json = any;

const validator = makeValidator(keyFromSecret("provider-test").pubKey, 10n);
const validatorJson = {
  address: Buffer.from(validator.address).toString("hex").toUpperCase(),
  pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.from(validator.pubKey).toString("base64") },
  voting_power: "10",
  proposer_priority: "0",
};

/** A JSON-RPC server answering `validators` with `page(n)`; counts the requests. */
async function startNode(
  page: (n: number) => Json,
): Promise<{ server: Server; url: string; calls: () => number }> {
  let calls = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    calls++;
    const result = page(Number(body.params.page));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", id: body.id, result }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls: () => calls };
}

describe("RPC provider: validators paging from an untrusted node", () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
  });

  async function node(page: (n: number) => Json) {
    const n = await startNode(page);
    servers.push(n.server);
    return { provider: new RpcProvider(n.url), calls: n.calls };
  }

  it("reads every page of an honest answer", async () => {
    const { provider, calls } = await node((n) => ({
      block_height: "5",
      validators: Array(n < 3 ? 100 : 50).fill(validatorJson),
      count: String(n < 3 ? 100 : 50),
      total: "250",
    }));
    assert.equal((await provider.validators(5n)).length, 250);
    assert.equal(calls(), 3);
  });

  it("stops a node that reports endless pages", async () => {
    const { provider, calls } = await node(() => ({
      block_height: "5",
      validators: Array(100).fill(validatorJson),
      count: "100",
      total: "1000000000000",
    }));
    await assert.rejects(provider.validators(5n), ProviderError);
    assert.ok(calls() <= 100, `${calls()} requests`);
  });

  it("refuses a changing total, short or empty pages, and a page longer than asked", async () => {
    const answers: Array<(n: number) => Json> = [
      (n) => ({ validators: Array(100).fill(validatorJson), total: String(200 + n) }),
      () => ({ validators: Array(10).fill(validatorJson), total: "200" }),
      () => ({ validators: [], total: "200" }),
      () => ({ validators: Array(101).fill(validatorJson), total: "101" }),
      () => ({ validators: [validatorJson], total: "0" }),
    ];
    for (const answer of answers) {
      const { provider, calls } = await node(answer);
      await assert.rejects(provider.validators(5n), ProviderError);
      assert.ok(calls() <= 2, `${calls()} requests`);
    }
  });
});
