// The explorer (explorer/, served by the node under /explorer/) in Debian's Chromium, driven
// headless by playwright-core, against a dev chain this test starts with its attribution worker
// on: the height climbs by itself (websocket NewBlock), a MsgSend sent with cosmjs appears live
// and decoded, a finalized span inference shows its spans and a fee split that match the chain's
// Attribution and Params queries, an influence inference lists its top contributions with the
// chain's scores, the contributor page plots the rewards. Screenshots go to
// test-artifacts/explorer/. Without /usr/bin/chromium the test fails (CI installs it: .ci/run).
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Secp256k1HdWallet } from "@cosmjs/amino";
import { sha256 } from "@cosmjs/crypto";
import { toHex } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { assertIsDeliverTxSuccess } from "@cosmjs/stargate";
import { type Browser, chromium, type Page } from "playwright-core";
import {
  connectOpenledger,
  createdDatanetId,
  JobState,
  msgContribute,
  msgCreateDatanet,
  msgRecordInference,
  msgRegisterModel,
  type OpenledgerClients,
  recordedInference,
  registeredModelId,
} from "../../client/index.js";
import { paymentPayload, signPayment } from "../../client/x402/payer.js";
import { CHAIN_ID, devAccount, devWallet, eventually, useNode } from "./harness.js";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin/openledgerd.js");
const SHOTS = join(ROOT, "test-artifacts/explorer");
const SPAM = [
  "Win a free prize now: click the link below to claim your cash reward before midnight tonight.",
  "Cheap pills and free cash in a limited offer, click now to win and claim your bonus today.",
  "Claim your free vacation prize today, just click the link and enter your card number.",
];
const HAM = [
  "The meeting moved to Thursday afternoon; the agenda and the minutes are attached to this note.",
  "Please review the quarterly report before the team meeting and send comments to the editor.",
  "Lunch with the design team is at noon in the small room next to the office kitchen.",
];
/** The span job's datanet: the office notes and one spam message. */
const NOTES = [...HAM, SPAM[0]!];
const OUTPUT = `As the note said, ${NOTES[1]} Also, ${NOTES[3]!.slice(0, 60)} and nothing else.`;

function cli(args: string[], stdin = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

describe("e2e: explorer page in Chromium", function () {
  this.timeout(60_000);
  const ctx = useNode({ autoStart: false });
  let browser: Browser | undefined;
  let page: Page;
  let bob: OpenledgerClients;
  let eve: OpenledgerClients;
  const pageErrors: string[] = [];

  const tx = async (c: OpenledgerClients, who: string, msgs: EncodeObject[], memo = "") => {
    const r = await c.signing.signAndBroadcast(devAccount(who).address, msgs, "auto", memo);
    assertIsDeliverTxSuccess(r);
    return r;
  };
  const finalized = (jobId: bigint) =>
    eventually(
      async () =>
        (await eve.query.attribution.job(jobId)).state === JobState.JOB_STATE_FINALIZED ? true : undefined,
      `job ${jobId} finalized`,
      30_000,
    );
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  /** A fresh load of the page at a route, once its view is rendered (its heading shown). */
  const open = async (route: string) => {
    await page.goto("about:blank");
    await page.goto(`${ctx.node.rpcUrl}/explorer/#${route}`);
    await page.locator("main h1").first().waitFor();
  };

  before(async function () {
    this.timeout(60_000);
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install -y chromium), as .ci/run does`,
      );
    }
    // The page under test is built from the current source (what `npm install` runs too).
    const build = spawnSync("npx", ["vite", "build", "explorer", "--logLevel", "warn"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(build.status, 0, `vite build failed:\n${build.stdout}\n${build.stderr}`);
    mkdirSync(SHOTS, { recursive: true });
    // The node's attribution worker signs as alice, the dev validator's operator (key "operator");
    // bob signs `model train --register`.
    for (const [key, who] of [
      ["operator", "alice"],
      ["bob", "bob"],
    ] as const) {
      const added = await cli(
        ["keys", "add", key, "--recover", "--home", ctx.node.home, "--keyring-backend", "test"],
        `${devAccount(who).mnemonic}\n`,
      );
      assert.equal(added.code, 0, added.stderr);
    }
    await ctx.node.start({ blockIntervalMs: 300 });
    bob = await connectOpenledger(ctx.node.rpcUrl, await devWallet("bob"), { broadcastPollIntervalMs: 200 });
    eve = await connectOpenledger(ctx.node.rpcUrl, await devWallet("eve"), { broadcastPollIntervalMs: 200 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on("pageerror", (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error") pageErrors.push(`console: ${msg.text()}`);
    });
  });
  after(async () => {
    await browser?.close();
    bob?.disconnect();
    eve?.disconnect();
  });
  afterEach(async function () {
    if (this.currentTest?.state !== "failed") return;
    if (pageErrors.length > 0) process.stderr.write(`page errors:\n${pageErrors.join("\n")}\n`);
    await page?.screenshot({ path: join(SHOTS, "failed.png"), fullPage: true }).catch(() => undefined);
  });

  it("shows the chain's status and its height climbs by itself (websocket NewBlock)", async () => {
    await open("/");
    const height = page.getByTestId("height");
    const shown = async () => Number(await height.textContent());
    const first = await eventually(async () => ((await shown()) > 0 ? shown() : undefined), "a height shown");
    await eventually(
      async () => ((await shown()) >= first + 3 ? true : undefined),
      "the height to climb",
      10_000,
    );
    // The latest-blocks table grows live too, and the validator set is listed with its power.
    const newest = Number(
      await page.locator("[data-testid=latest-blocks] tr").first().getAttribute("data-height"),
    );
    assert.ok(newest > first, `newest block row ${newest} after ${first}`);
    assert.equal(await page.locator("text=live").first().isVisible(), true);
    assert.ok((await page.locator("table", { hasText: "Validator set" }).locator("tbody tr").count()) >= 1);
    await shot("chain");
  });

  it("shows a MsgSend sent with cosmjs as it is committed, decoded", async () => {
    await open("/");
    const alice = await connectOpenledger(ctx.node.rpcUrl, await devWallet("alice"), {
      broadcastPollIntervalMs: 200,
    });
    const sent = await alice.signing
      .sendTokens(
        devAccount("alice").address,
        devAccount("carol").address,
        [{ denom: "uopen", amount: "12345" }],
        "auto",
        "explorer e2e",
      )
      .finally(() => alice.disconnect());
    assertIsDeliverTxSuccess(sent);
    const row = page.locator(`[data-testid=latest-txs] tr[data-hash="${sent.transactionHash}"]`);
    await row.waitFor({ timeout: 10_000 });
    assert.match((await row.textContent()) ?? "", /MsgSend/);
    await row.locator("a").first().click();
    await page.locator("h1", { hasText: "Transaction" }).waitFor();
    const card = page.locator(`article.tx[data-hash="${sent.transactionHash}"]`);
    const text = (await card.textContent()) ?? "";
    assert.match(text, /MsgSend/);
    assert.match(text, /"amount": "12345"/);
    assert.ok(text.includes(devAccount("carol").address));
    assert.match(text, /explorer e2e/);
    await shot("tx");
  });

  it("an inference's page highlights its spans and splits the fee as the chain's queries say", async () => {
    const owner = devAccount("bob").address;
    const created = await tx(bob, "bob", [
      msgCreateDatanet({ owner, name: "Office notes", domain: "mail", needsApproval: false }),
    ]);
    const datanetId = createdDatanetId(created);
    await tx(
      bob,
      "bob",
      NOTES.map((text) => msgContribute({ contributor: owner, datanetId, text, license: "CC-BY-4.0" })),
    );
    const register = msgRegisterModel({
      owner,
      name: "notes-llm",
      sha256: toHex(sha256(new TextEncoder().encode("notes-llm"))),
      size: 1000,
      format: "gguf",
      datanets: [`${datanetId}:1`],
      attributionMethod: "span",
    });
    const modelId = registeredModelId(await tx(bob, "bob", [register]));
    const payer = devAccount("eve").address;
    const record = msgRecordInference({
      payer,
      modelId,
      prompt: "summarize",
      output: OUTPUT,
      fee: "1000003uopen",
    });
    const jobId = recordedInference(await tx(eve, "eve", [record])).jobId;
    await finalized(jobId);
    const chain = await eve.query.attribution.attribution(jobId);
    const params = await eve.query.attribution.params();
    assert.ok(chain.entries.length >= 1);

    await open(`/inference/${jobId}`);
    await page.getByTestId("span-check").waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId("job-state").textContent(), "finalized");
    assert.equal(await page.getByTestId("span-check").getAttribute("data-matches"), "true");
    // Each highlighted span is a piece of the output found verbatim in a contribution.
    const marks = page.locator("[data-testid=output] mark.span");
    const count = await marks.count();
    assert.ok(count >= 1, "no highlighted span");
    for (let i = 0; i < count; i++) {
      const text = await marks.nth(i).evaluate((m) => m.firstChild?.textContent ?? "");
      assert.ok(OUTPUT.includes(text) && NOTES.some((n) => n.includes(text)), `span "${text}"`);
    }
    // The entries shown are the chain's final entries.
    const shown = await page
      .locator("[data-testid=entries-table] tbody tr")
      .evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute("data-contribution"), Number(r.getAttribute("data-bps"))]),
      );
    assert.deepEqual(
      shown,
      chain.entries.map((e) => [e.contributionId.toString(), e.bps]),
    );
    // The split chart: the module's payout rule over the queried fee, params and entries.
    const fee = BigInt(chain.job!.fee!.amount);
    const cut = (amount: bigint, bps: number | bigint) => (amount * BigInt(bps)) / 10_000n;
    const contributorsCut = cut(fee, params.contributorsBps);
    const toBob = chain.entries.reduce((s, e) => s + cut(contributorsCut, e.bps), 0n);
    const ownerAmount = cut(fee, params.ownerBps);
    const validatorsAmount = cut(fee, params.validatorsBps);
    const segments = await page.locator("[data-testid=fee-split-chart] rect").evaluateAll((rects) =>
      rects.map((r) => ({
        role: r.getAttribute("data-role"),
        recipient: r.getAttribute("data-recipient"),
        amount: r.getAttribute("data-amount"),
      })),
    );
    const treasury = fee - ownerAmount - toBob - validatorsAmount;
    assert.deepEqual(segments, [
      { role: "owner", recipient: owner, amount: ownerAmount.toString() },
      { role: "contributor", recipient: owner, amount: toBob.toString() },
      { role: "validator", recipient: devAccount("alice").address, amount: validatorsAmount.toString() },
      { role: "treasury", recipient: segments[3]?.recipient ?? "", amount: treasury.toString() },
    ]);
    // Keyboard: Tab reaches a span; Enter pins it; the panel names the contribution behind it.
    await marks.first().focus();
    await page.keyboard.press("Enter");
    assert.equal(await marks.first().getAttribute("aria-pressed"), "true");
    const panel = page.getByTestId("span-panel");
    await panel.locator(".span-detail").first().waitFor();
    const detail = (await panel.textContent()) ?? "";
    assert.ok(detail.includes(`datanet ${datanetId}`), detail);
    assert.ok((await panel.locator(`a[href="#/contributor/${owner}"]`).count()) >= 1);
    await shot("inference");
    await page.setViewportSize({ width: 380, height: 800 });
    await shot("inference-narrow");
    const overflow = await page.locator("html").evaluate((html) => html.scrollWidth - html.clientWidth);
    assert.ok(overflow <= 1, `the page is ${overflow} px wider than a 380 px screen`);
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it("an influence inference's page lists its top contributions with the chain's scores", async () => {
    const owner = devAccount("bob").address;
    const created = await tx(bob, "bob", [
      msgCreateDatanet({ owner, name: "Labelled mail", domain: "mail", needsApproval: false }),
    ]);
    const datanetId = createdDatanetId(created);
    const labelled = (text: string, label: string) =>
      msgContribute({
        contributor: owner,
        datanetId,
        text,
        license: "CC-BY-4.0",
        metadata: JSON.stringify({ label }),
      });
    await tx(bob, "bob", [...SPAM.map((t) => labelled(t, "spam")), ...HAM.map((t) => labelled(t, "ham"))]);
    const trained = await cli([
      ...[
        "model",
        "train",
        "--datanet",
        String(datanetId),
        "--version",
        "1",
        "--out",
        join(ctx.node.home, "clf.onnx"),
      ],
      ...["--register", "--name", "spam-filter", "--price-per-call", "100", "--from", "bob"],
      ...["--home", ctx.node.home, "--keyring-backend", "test", "--node", ctx.node.rpcUrl, "-o", "json"],
    ]);
    assert.equal(trained.code, 0, trained.stderr);
    const modelId = BigInt(JSON.parse(trained.stdout).model_id);
    const output = "Click the link now to win free cash and claim your prize";
    const record = msgRecordInference({
      payer: devAccount("eve").address,
      modelId,
      prompt: "classify",
      output,
      fee: "1000uopen",
    });
    const jobId = recordedInference(await tx(eve, "eve", [record])).jobId;
    await finalized(jobId);
    const chain = await eve.query.attribution.attribution(jobId);
    assert.ok(chain.entries.length >= 1);

    await open(`/inference/${jobId}`);
    const top = page.getByTestId("influence-top");
    await top.waitFor();
    const rows = await top
      .locator("tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.children[0]?.textContent ?? "", tr.children[1]?.textContent ?? ""]),
      );
    const expected = [...chain.entries]
      .sort((x, y) => y.bps - x.bps || (x.contributionId < y.contributionId ? -1 : 1))
      .slice(0, 10)
      .map((e) => [`#${e.contributionId}`, `${(e.bps / 100).toFixed(2)}%`]);
    assert.deepEqual(rows, expected);
    assert.ok(((await top.textContent()) ?? "").includes(output));
    await page.getByTestId("fee-split-chart").waitFor();
    await shot("inference-influence");
  });

  it("the contributor page lists contributions, credited inferences and plots the rewards", async () => {
    const bobAddress = devAccount("bob").address;
    await open(`/contributor/${bobAddress}`);
    await page.getByTestId("rewards-plot").waitFor();
    const dots = await page.locator("[data-testid=rewards-plot] circle").count();
    assert.ok(dots >= 1);
    const text = (await page.locator("main").textContent()) ?? "";
    assert.match(text, /Inferences credited/);
    assert.match(text, /approved/);
    await shot("contributor");
  });

  it("an x402 payment settled by the node's facilitator shows on the payments and payer pages", async () => {
    const requirements = {
      scheme: "exact",
      network: `cosmos:${CHAIN_ID}`,
      amount: "777",
      asset: "uopen",
      payTo: devAccount("bob").address,
      maxTimeoutSeconds: 120,
    };
    const resource = "https://api.example/v1/forecast";
    const wallet = await Secp256k1HdWallet.fromMnemonic(devAccount("eve").mnemonic, { prefix: "open" });
    const payload = await signPayment(wallet, requirements, resource);
    const res = await fetch(`${ctx.node.rpcUrl}/x402/settle`, {
      method: "POST",
      body: JSON.stringify({
        paymentPayload: paymentPayload(2, requirements, payload),
        paymentRequirements: requirements,
      }),
    });
    const settled = (await res.json()) as { success: boolean; transaction: string };
    assert.equal(settled.success, true, JSON.stringify(settled));
    await open("/payments");
    const row = page.locator("main tr", { hasText: resource });
    await row.waitFor();
    const text = (await row.textContent()) ?? "";
    assert.match(text, /777/);
    assert.equal(await row.locator(`a[href*="${devAccount("eve").address}"]`).count(), 1, "the payer's link");
    await open(`/contributor/${devAccount("eve").address}`);
    await page.locator("main", { hasText: resource }).waitFor();
  });

  it("lists datanets, models, inferences and payments without errors", async () => {
    for (const [route, heading, shotName] of [
      ["/datanets", "Datanets", "datanets"],
      ["/datanet/1", "Datanet 1: Office notes", "datanet"],
      ["/models", "Models and adapters", "models"],
      ["/inferences", "Inferences", "inferences"],
      ["/payments", "x402 payments", "payments"],
    ] as const) {
      await open(route);
      assert.equal(await page.locator("main h1").first().textContent(), heading);
      assert.deepEqual(await page.locator("main .error").allTextContents(), [], route);
      await shot(shotName);
    }
    assert.deepEqual(pageErrors, []);
  });
});
