// #/inference/<job id>: one inference and its attribution. What the chain stores for a job: the
// output (inline, or its sha256 in the content store), the final entries (contribution, basis
// points), every result and submission, and the payout events of the finalizing block. Spans are
// not on chain: for span jobs they are recomputed here (span-recompute.ts) and checked against
// the entries; influence jobs show the entries as scores (the ONNX model is not run here).
import type { QueryAttributionResponse } from "../../../proto/gen/openledger/attribution/v1/query.js";
import type { Entry } from "../../../proto/gen/openledger/attribution/v1/types.js";
import type { Contribution } from "../../../proto/gen/openledger/datanets/v1/types.js";
import {
  addressLink,
  appendAll,
  blockLink,
  datanetLink,
  errorBox,
  excerpt,
  facts,
  formatCoin,
  formatInt,
  h,
  modelLink,
  note,
  section,
  shortHash,
  table,
} from "../dom.js";
import { blockEvents } from "../events.js";
import {
  AttributionMethod,
  attributionMethod,
  ContributionStatus,
  contributionStatus,
  JobState,
  jobState,
} from "../labels.js";
import { attributionQuery, contentBytes, contributionText, datanetsQuery, toHex } from "../queries.js";
import { feeSplitChart, payoutsOf } from "./fee-split-chart.js";
import { renderSpans } from "./output-spans.js";

/** Most contributions read to recompute spans in a browser. */
const MAX_RECOMPUTE_CONTRIBUTIONS = 2000;
const TOP_INFLUENCE = 10;

export interface LoadedContribution {
  contribution: Contribution;
  text: string | undefined;
}

/** Contributions by id with their texts, 8 requests at a time. */
export async function loadContributions(ids: readonly bigint[]): Promise<Map<bigint, LoadedContribution>> {
  const out = new Map<bigint, LoadedContribution>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const r = await datanetsQuery.contribution(id).catch(() => undefined);
      if (!r?.contribution) continue;
      out.set(id, {
        contribution: r.contribution,
        text: await contributionText(r.contribution, r.inlineContent),
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out;
}

/** The module's rule (attribution liveAt): approved, or flagged only after the job was recorded. */
const liveAt = (c: Contribution, height: bigint) =>
  c.status === ContributionStatus.CONTRIBUTION_STATUS_APPROVED ||
  (c.status === ContributionStatus.CONTRIBUTION_STATUS_FLAGGED && c.flaggedHeight > height);

async function outputText(a: QueryAttributionResponse): Promise<string | undefined> {
  const job = a.job!;
  if (job.outputText) return job.outputText;
  const bytes = await contentBytes(job.outputSha256).catch(() => undefined);
  if (!bytes) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const sameEntries = (a: readonly Entry[], b: readonly { contributionId: bigint; bps: number }[]) =>
  a.length === b.length &&
  a.every((e, i) => e.contributionId === b[i]!.contributionId && e.bps === b[i]!.bps);

async function spanSection(a: QueryAttributionResponse, output: string): Promise<HTMLElement> {
  const job = a.job!;
  const ids = new Set<bigint>();
  for (const ref of job.datanets) {
    const { version } = await datanetsQuery.version(ref.datanetId, ref.version);
    for (const id of version?.contributionIds ?? []) ids.add(id);
  }
  if (ids.size > MAX_RECOMPUTE_CONTRIBUTIONS) {
    return h(
      "div",
      {},
      h("pre", { class: "output" }, output),
      note(
        `The datanet versions hold ${ids.size} contributions, too many to recompute spans in a browser; use "openledgerd attribution explain ${job.id}".`,
      ),
    );
  }
  const sorted = [...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const loaded = await loadContributions(sorted);
  const live = sorted
    .map((id) => loaded.get(id))
    .filter((c): c is LoadedContribution => !!c && liveAt(c.contribution, job.createdHeight));
  const missing = live.filter((c) => c.text === undefined);
  if (live.length === 0 || missing.length > 0) {
    const why =
      live.length === 0
        ? "no live contributions"
        : `the content of ${missing.length} contribution(s) is not held by this node`;
    return h("div", {}, h("pre", { class: "output" }, output), note(`Spans not recomputed: ${why}.`));
  }
  const { recomputeSpans } = await import("../span-recompute.js");
  const docs = live.map((c) => ({ contributionId: c.contribution.id, text: c.text! }));
  const result = recomputeSpans(docs, output);
  const finalized = job.state === JobState.JOB_STATE_FINALIZED;
  const matches = sameEntries(a.entries, result.weights);
  const check = h(
    "p",
    {
      class: matches ? "check ok" : "check warn",
      "data-testid": "span-check",
      "data-matches": String(matches),
    },
    !finalized
      ? "Spans recomputed in this browser; the job has no final entries yet to check them against."
      : matches
        ? "✓ Spans recomputed in this browser give exactly the finalized entries on chain."
        : "⚠ Spans recomputed in this browser differ from the finalized entries (contributions flagged since, or another engine version).",
  );
  return h(
    "div",
    {},
    renderSpans(output, result.spans, loaded),
    check,
    note(
      "The chain stores each contribution's basis points, not the spans: the spans above are recomputed from the job's datanet versions with the validators' algorithm.",
    ),
  );
}

function influenceSection(
  a: QueryAttributionResponse,
  output: string,
  loaded: Map<bigint, LoadedContribution>,
): HTMLElement {
  const top = [...a.entries]
    .sort((x, y) => y.bps - x.bps || (x.contributionId < y.contributionId ? -1 : 1))
    .slice(0, TOP_INFLUENCE);
  const maxBps = Math.max(1, ...top.map((e) => e.bps));
  const rows = top.map((e) => {
    const c = loaded.get(e.contributionId);
    return [
      `#${e.contributionId}`,
      h(
        "span",
        { class: "score" },
        h("span", { class: "bar", style: `width:${Math.max(2, Math.round((80 * e.bps) / maxBps))}px` }),
        `${(e.bps / 100).toFixed(2)}%`,
      ),
      c ? addressLink(c.contribution.contributor) : "—",
      c ? datanetLink(c.contribution.datanetId) : "—",
      c?.text === undefined ? "—" : excerpt(c.text, "", 120),
    ];
  });
  return h(
    "div",
    { "data-testid": "influence-top" },
    h("pre", { class: "output" }, output),
    table(
      `Top ${top.length} contributions by influence (finalized basis points)`,
      ["Contribution", "Score", "Contributor", "Datanet", "Excerpt"],
      rows,
      "no entries (no influence found, or not finalized yet)",
    ),
    note(
      "Influence scores are the finalized basis points on chain; the model's ONNX artifact is not run in the browser.",
    ),
  );
}

async function feeSection(a: QueryAttributionResponse): Promise<HTMLElement> {
  const job = a.job!;
  const fee = BigInt(job.fee?.amount ?? "0");
  const denom = job.fee?.denom ?? "uopen";
  if (job.state === JobState.JOB_STATE_EXPIRED)
    return note(
      `The job expired without a 2/3 result: its fee of ${formatCoin(fee, denom)} was refunded to the payer.`,
    );
  if (job.state !== JobState.JOB_STATE_FINALIZED) {
    const { params } = await attributionQuery.params();
    const p = params!;
    return note(
      `Pending: once finalized, the ${formatCoin(fee, denom)} fee is split ${p.ownerBps / 100}% model owner, ${p.contributorsBps / 100}% contributors, ${p.validatorsBps / 100}% agreeing validators, the rest (${p.treasuryBps / 100}% and remainders) to the treasury.`,
    );
  }
  const events = await blockEvents(job.finalizedHeight.toString(), "attribution_payout");
  const payouts = payoutsOf(events, job.id);
  if (payouts.length === 0) return note(`No payout events for this job at height ${job.finalizedHeight}.`);
  return feeSplitChart(payouts, fee, denom);
}

export async function inferenceView(view: HTMLElement, idText: string): Promise<void> {
  const a = await attributionQuery.attribution(BigInt(idText));
  const job = a.job!;
  const output = await outputText(a);
  const finalHash = toHex(job.resultHash);
  const entryIds = a.entries.map((e) => e.contributionId);
  const loaded = await loadContributions(entryIds);
  appendAll(
    view,
    h("h1", {}, `Inference ${job.id}`),
    facts([
      [
        "State",
        h("span", { class: `state ${jobState(job.state)}`, "data-testid": "job-state" }, jobState(job.state)),
      ],
      ["Method", attributionMethod(job.method)],
      ["Model", job.adapterId ? `adapter ${job.adapterId}` : modelLink(job.modelId)],
      ["Payer", addressLink(job.payer)],
      ["Model owner", addressLink(job.owner)],
      ["Fee", formatCoin(job.fee?.amount ?? "0", job.fee?.denom)],
      [
        "Output",
        `${formatInt(job.outputSize)} bytes${job.outputTokens ? `, ${formatInt(job.outputTokens)} tokens declared` : ""}, sha256 ${shortHash(toHex(job.outputSha256))}`,
      ],
      ["Recorded at", blockLink(job.createdHeight)],
      ["Deadline", blockLink(job.deadlineHeight)],
      ["Finalized at", job.finalizedHeight ? blockLink(job.finalizedHeight) : "—"],
    ]),
  );
  const attributionBox = h("div", {}, h("p", { class: "loading" }, "Reading the contributions…"));
  const feeBox = h("div", {}, h("p", { class: "loading" }, "Reading the payouts…"));
  appendAll(view, section("Output and attribution", attributionBox), section("Fee split", feeBox));
  const entryRows = a.entries.map((e) => {
    const c = loaded.get(e.contributionId)?.contribution;
    return h(
      "tr",
      { "data-contribution": e.contributionId.toString(), "data-bps": String(e.bps) },
      h("td", {}, `#${e.contributionId}`),
      h("td", { class: "num" }, String(e.bps)),
      h("td", {}, c ? addressLink(c.contributor) : "—"),
      h("td", {}, c ? datanetLink(c.datanetId) : "—"),
      h("td", {}, c ? contributionStatus(c.status) : "—"),
    );
  });
  appendAll(
    view,
    section(
      "Entries on chain",
      entryRows.length === 0
        ? note(
            job.state === JobState.JOB_STATE_FINALIZED
              ? "The final result names no contribution: the contributors' cut went to the treasury."
              : "No final entries yet.",
          )
        : h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { "data-testid": "entries-table" },
              h("caption", {}, "Final entries (basis points of the contributors' cut)"),
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ...["Contribution", "Bps", "Contributor", "Datanet", "Status"].map((t) =>
                    h("th", { scope: "col" }, t),
                  ),
                ),
              ),
              h("tbody", {}, ...entryRows),
            ),
          ),
    ),
    section(
      "Validators' submissions",
      table(
        "Submissions",
        ["Operator", "Result hash", "Power", "Height", "Agrees"],
        a.submissions.map((s) => [
          addressLink(s.operator),
          h("span", { class: "mono" }, shortHash(toHex(s.resultHash))),
          formatInt(s.power),
          blockLink(s.height),
          finalHash && toHex(s.resultHash) === finalHash ? "yes" : finalHash ? "no" : "—",
        ]),
        "no submissions yet",
      ),
    ),
  );
  const fill = (box: HTMLElement, work: Promise<HTMLElement>) =>
    work.then((el) => box.replaceChildren(el)).catch((err) => box.replaceChildren(errorBox(err)));
  if (output === undefined)
    attributionBox.replaceChildren(
      note(`The output (sha256 ${toHex(job.outputSha256)}) is not in this node's content store.`),
    );
  else if (job.method === AttributionMethod.ATTRIBUTION_METHOD_SPAN)
    await fill(attributionBox, spanSection(a, output));
  else attributionBox.replaceChildren(influenceSection(a, output, loaded));
  await fill(feeBox, feeSection(a));
}
