// Proof of Attribution on a 4-validator loopback network (4 processes from `testnet init`, each
// running the attribution worker with its operator key): an inference recorded through cosmjs on a
// span-attributed model is attributed by the validators, finalized on chain by ≥ 2/3 of the power,
// and the contributors' balances (read with cosmjs) rise by exactly their payouts; the payouts add
// up to the fee; the contributors' shares follow the spans taken from their texts. A validator that
// submits a wrong result is outvoted and recorded as disagreeing; one that is down does not stop
// finalization.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { assertIsDeliverTxSuccess, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import {
  contributionResponse,
  createdDatanetId,
  msgContribute,
  msgCreateDatanet,
  msgRecordInference,
  msgRegisterModel,
  msgReviewContribution,
  msgSubmitAttribution,
  openledgerRegistry,
  recordedInference,
  registeredModelId,
} from "../../client/index.js";
import { Keyring } from "../../cmd/keyring.js";
import { signResult } from "../../modules/attribution/result.js";
import { homePaths } from "../../node/options.js";
import { readPrivValidatorKey } from "../../node/types/keyfile.js";
import {
  QueryValidatorRecordRequest,
  QueryValidatorRecordResponse,
} from "../../proto/gen/openledger/attribution/v1/query.js";
import { DENOM, devAccount, devWallet, eventually, MIN_GAS_PRICE, NodeProcess, rpcCall } from "./harness.js";
import { allAtLeast, initTestnetHomes, SHORT_TIMEOUTS } from "./testnet-helpers.js";

const BOB_TEXT =
  "The mitochondria is the powerhouse of the cell and produces most of the chemical energy needed to power the cell's biochemical reactions through respiration.";
const CAROL_TEXT =
  "Photosynthesis converts light energy into chemical energy stored in glucose, releasing oxygen as a by-product in the chloroplasts of plant cells.";
const OUTPUT = `As every textbook says, ${BOB_TEXT.slice(0, 110)} Meanwhile in plants, ${CAROL_TEXT.slice(0, 80)} and that is all.`;
const FEE = 1_000_000n;
/** Event amounts are coins ("123uopen"). */
const uopen = (coin: string) => BigInt(/^(\d+)uopen$/.exec(coin)![1]!);

describe("e2e: an inference attributed and paid by a 4-validator network", function () {
  this.timeout(120_000);
  let dir: string;
  const nodes: NodeProcess[] = [];
  let startArgs: string[][] = [];
  let chainId = "";
  let modelId = 0n;

  before(async function () {
    this.timeout(60_000);
    dir = await mkdtemp(join(tmpdir(), "openledger-attribution-net-"));
    const net = initTestnetHomes(dir, 4, SHORT_TIMEOUTS);
    startArgs = net.startArgs;
    chainId = net.chainId;
    // node3's worker is off: the tests below submit its results by hand (a wrong one, or none).
    startArgs[3]!.push("--attribution.operator", "none");
    nodes.push(...net.homes.map((home) => NodeProcess.at(home)));
    await Promise.all(nodes.map((n, i) => n.start({ startArgs: startArgs[i], timeoutMs: 30_000 })));
    await allAtLeast(nodes, 2n, 30_000);
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") for (const [i, n] of nodes.entries()) n.printLogs(`node${i}`);
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.destroy()));
    await rm(dir, { recursive: true, force: true });
  });

  async function send(
    node: NodeProcess,
    name: "alice" | "bob" | "carol" | "dave" | "eve",
    msgs: EncodeObject[],
  ) {
    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, await devWallet(name), {
      registry: openledgerRegistry(),
      gasPrice: GasPrice.fromString(MIN_GAS_PRICE),
      broadcastPollIntervalMs: 200,
    });
    try {
      const r = await client.signAndBroadcast(devAccount(name).address, msgs, "auto");
      assertIsDeliverTxSuccess(r);
      return r;
    } finally {
      client.disconnect();
    }
  }

  async function record(through: NodeProcess): Promise<bigint> {
    const r = await send(through, "eve", [
      msgRecordInference({
        payer: devAccount("eve").address,
        modelId,
        prompt: "Tell me about cells",
        output: OUTPUT,
        outputTokens: 60,
        fee: `${FEE}${DENOM}`,
      }),
    ]);
    return recordedInference(r).jobId;
  }

  async function finalizedTx(reader: StargateClient, jobId: bigint) {
    return eventually(
      async () => {
        const txs = await reader.searchTx(`attribution_finalized.job_id=${jobId}`);
        return txs.length > 0 ? txs[0] : undefined;
      },
      `job ${jobId} finalized on chain`,
      60_000,
      500,
    );
  }

  async function validatorRecord(operator: string) {
    const res = await rpcCall(nodes[0]!.rpcUrl, {
      jsonrpc: "2.0",
      id: 1,
      method: "abci_query",
      params: {
        path: "/openledger.attribution.v1.Query/ValidatorRecord",
        data: Buffer.from(QueryValidatorRecordRequest.encode({ operator }).finish()).toString("hex"),
      },
    });
    const value = (res.json.result as { response: { value: string } }).response.value;
    return QueryValidatorRecordResponse.decode(Buffer.from(value, "base64")).record!;
  }

  it("finalizes with ≥ 2/3 of the power and pays the contributors exactly", async () => {
    const [alice, bob, carol, dave] = (["alice", "bob", "carol", "dave"] as const).map(
      (n) => devAccount(n).address,
    );
    const datanetId = createdDatanetId(
      await send(nodes[0]!, "alice", [
        msgCreateDatanet({ owner: alice!, name: "Biology", domain: "science" }),
      ]),
    );
    const ids: bigint[] = [];
    for (const [who, text] of [
      ["bob", BOB_TEXT],
      ["carol", CAROL_TEXT],
    ] as const) {
      const r = await send(nodes[1]!, who, [
        msgContribute({ contributor: devAccount(who).address, datanetId, text, license: "CC-BY-4.0" }),
      ]);
      ids.push(contributionResponse(r).contributionId);
    }
    await send(
      nodes[2]!,
      "alice",
      ids.map((contributionId) =>
        msgReviewContribution({ curator: alice!, contributionId, decision: "approve", score: 90 }),
      ),
    );
    modelId = registeredModelId(
      await send(nodes[3]!, "dave", [
        msgRegisterModel({
          owner: dave!,
          name: "bio-llm",
          artifact: new TextEncoder().encode("weights of bio-llm"),
          format: "gguf",
          datanets: [{ datanetId, version: 1 }],
          attributionMethod: "span",
          price: { perCall: 1000 },
        }),
      ]),
    );

    const reader = await StargateClient.connect(nodes[0]!.rpcUrl);
    const balance = async (a: string) => BigInt((await reader.getBalance(a, DENOM)).amount);
    const before = { bob: await balance(bob!), carol: await balance(carol!), dave: await balance(dave!) };
    const jobId = await record(nodes[1]!);
    const finalized = await finalizedTx(reader, jobId);
    const attr = (type: string) =>
      finalized.events
        .filter((e) => e.type === type)
        .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
    const fin = attr("attribution_finalized")[0]!;
    assert.ok(
      BigInt(fin.power!) * 3n > BigInt(fin.total_power!) * 2n,
      `power ${fin.power} of ${fin.total_power}`,
    );
    const payouts = attr("attribution_payout").filter((p) => p.job_id === String(jobId));
    assert.equal(
      payouts.reduce((s, p) => s + uopen(p.amount!), 0n),
      FEE,
      "the payouts add up to the fee",
    );
    const paid = (role: string, to: string) =>
      payouts.filter((p) => p.role === role && p.recipient === to).reduce((s, p) => s + uopen(p.amount!), 0n);
    const toBob = paid("contributor", bob!);
    const toCarol = paid("contributor", carol!);
    assert.ok(toBob > 0n && toCarol > 0n, `bob ${toBob}, carol ${toCarol}`);
    assert.ok(toBob > toCarol, "bob's longer span earns more");
    assert.equal(
      toBob + toCarol,
      (FEE * 5000n) / 10000n,
      "the contributors' cut goes to the two contributors",
    );
    assert.equal(paid("owner", dave!), (FEE * 2000n) / 10000n);
    assert.equal(await balance(bob!), before.bob + toBob);
    assert.equal(await balance(carol!), before.carol + toCarol);
    assert.equal(await balance(dave!), before.dave + (FEE * 2000n) / 10000n);
    reader.disconnect();

    // node0's attribution metrics: its result was the finalized one.
    const laddr = startArgs[0]![startArgs[0]!.indexOf("--metrics.laddr") + 1]!.replace("tcp://", "");
    const text = await eventually(
      async () => {
        const t = await (await fetch(`http://${laddr}/metrics`)).text();
        return /^openledger_attribution_results_total\{outcome="agreed"\} 1$/m.test(t) ? t : undefined;
      },
      "node0's result counted as agreed",
      20_000,
      250,
    );
    assert.match(text, /^openledger_attribution_agreement_rate 1$/m);
    assert.match(text, /^openledger_attribution_seconds_count\{method="span"\} 1$/m);
    assert.match(text, /^openledger_attribution_index_tokens [1-9]\d*$/m);
    assert.match(text, /^openledger_attribution_jobs_pending 0$/m);
  });

  it("a wrong result is outvoted and recorded; a validator that is down does not stop finalization", async () => {
    const home3 = join(dir, "node3");
    const operatorWallet = await new Keyring({ home: home3, backend: "test" }).signer("operator");
    const [op] = await operatorWallet.getAccounts();
    const consensusKey = await readPrivValidatorKey(homePaths(home3).privValidatorKey);
    const reader = await StargateClient.connect(nodes[0]!.rpcUrl);

    // Job A, with node2 down: node3 submits a result naming only the first contribution, nodes 0
    // and 1 (20 of 40) the real one: no 2/3 yet. node2 comes back, its worker agrees with 0 and 1,
    // the real result is finalized and node3 is recorded as disagreeing.
    await nodes[2]!.stop();
    const jobA = await record(nodes[0]!);
    const wrong = [{ contributionId: 1n, bps: 10_000 }];
    const signed = signResult(consensusKey, { chainId, jobId: jobA, method: 1, entries: wrong });
    const client = await SigningStargateClient.connectWithSigner(nodes[3]!.rpcUrl, operatorWallet, {
      registry: openledgerRegistry(),
      gasPrice: GasPrice.fromString(MIN_GAS_PRICE),
      broadcastPollIntervalMs: 200,
    });
    const submitted = await client.signAndBroadcast(
      op!.address,
      [
        msgSubmitAttribution({
          operator: op!.address,
          jobId: jobA,
          method: "span",
          entries: wrong,
          ...signed,
        }),
      ],
      { amount: [{ denom: DENOM, amount: "15000" }], gas: "600000" },
    );
    client.disconnect();
    assertIsDeliverTxSuccess(submitted);
    await nodes[2]!.start({ startArgs: startArgs[2], timeoutMs: 30_000 });
    const finA = await finalizedTx(reader, jobA);
    const finEvent = finA.events.find((e) => e.type === "attribution_finalized")!;
    const winning = finEvent.attributes.find((a) => a.key === "result_hash")!.value;
    assert.notEqual(winning.toLowerCase(), Buffer.from(signed.resultHash).toString("hex"));
    const afterA = await validatorRecord(op!.address);
    assert.equal(afterA.disagreed, 1n);

    // Job B with node3 down: the other three (30 of 40) still finalize it.
    await nodes[3]!.stop();
    const jobB = await record(nodes[1]!);
    await finalizedTx(reader, jobB);
    reader.disconnect();
    await nodes[3]!.start({ startArgs: startArgs[3], timeoutMs: 30_000 });
  });
});
