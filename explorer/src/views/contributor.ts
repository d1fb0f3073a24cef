// #/contributor/<address>: an address's contributions and their review, the inferences it was
// credited in (events attribution_payout in the tx index), rewards over time, and its x402
// payments (the settlement module's PaymentsByPayer / PaymentsByPayee).
import type { Payment } from "../../../proto/gen/openledger/settlement/v1/types.js";
import {
  addressLink,
  appendAll,
  blockLink,
  datanetLink,
  facts,
  formatCoin,
  formatInt,
  h,
  inferenceLink,
  note,
  section,
  table,
} from "../dom.js";
import { searchEvents } from "../events.js";
import { contributionStatus } from "../labels.js";
import { attributionQuery, datanetsQuery, settlementQuery } from "../queries.js";
import { coinAmount } from "./fee-split-chart.js";
import { rewardsPlot } from "./rewards-plot.js";

function paymentRows(payments: Payment[]) {
  return payments.map((p) => {
    const a = p.authorization;
    return [
      addressLink(a?.from ?? ""),
      addressLink(a?.to ?? ""),
      formatCoin(a?.amount?.amount ?? "0", a?.amount?.denom),
      h("span", { class: "resource" }, a?.resource ?? ""),
      p.jobId ? inferenceLink(p.jobId) : "—",
      blockLink(p.height),
    ];
  });
}

export async function contributorView(view: HTMLElement, address: string): Promise<void> {
  const [stats, rewards, contributions, payouts, paid, received] = await Promise.all([
    datanetsQuery.stats(address),
    attributionQuery.rewardsByContributor(address).catch(() => undefined),
    datanetsQuery.byContributor(address),
    searchEvents(
      `attribution_payout.recipient='${address}'`,
      "attribution_payout",
      (r) => r.recipient === address,
      100,
    ),
    settlementQuery.byPayer(address).catch(() => undefined),
    settlementQuery.byPayee(address).catch(() => undefined),
  ]);
  const s = stats.stats;
  const credited = payouts.filter((p) => p.role === "contributor");
  const denom = rewards?.rewards?.denom ?? "uopen";
  const points = credited.map((p) => ({
    height: Number(p.height),
    amount: coinAmount(p.amount),
    jobId: p.job_id ?? "",
  }));
  const contributionRows = contributions.contributions.map((c) => [
    `#${c.id}`,
    datanetLink(c.datanetId),
    h("span", { class: `status ${contributionStatus(c.status)}` }, contributionStatus(c.status)),
    c.reviewer ? `${c.score} by ${c.reviewer.slice(0, 12)}…` : "—",
    `${formatInt(c.size)} B`,
    blockLink(c.submittedHeight),
    c.includedInVersion ? `v${c.includedInVersion}` : "—",
  ]);
  appendAll(
    view,
    h("h1", {}, "Contributor"),
    h("p", { class: "mono address" }, address),
    facts([
      ["Contributions", formatInt(s?.contributions ?? 0n)],
      ["Approvals", formatInt(s?.approvals ?? 0n)],
      ["Rejections", formatInt(s?.rejections ?? 0n)],
      ["Flags", formatInt(s?.flags ?? 0n)],
      ["Withdrawals", formatInt(s?.withdrawals ?? 0n)],
      ["Bytes contributed", formatInt(s?.bytes ?? 0n)],
      ["Rewards from attribution", rewards ? formatCoin(rewards.rewards?.amount ?? "0", denom) : "—"],
    ]),
    section("Rewards over time", rewardsPlot(points, denom)),
    section(
      "Inferences credited",
      table(
        "Payouts to this address, newest first",
        ["Inference", "Role", "Amount", "Height"],
        payouts.map((p) => [
          inferenceLink(p.job_id ?? "?"),
          p.role ?? "",
          formatCoin(coinAmount(p.amount), denom),
          blockLink(p.height),
        ]),
        "not credited in any inference yet",
      ),
      note(
        "From the node's tx index (events attribution_payout; the newest 100). A job finalized at a deadline (end of block) is paid outside any tx and is not listed here, though its reward is in the total above.",
      ),
    ),
    section(
      "Contributions",
      table(
        "Contributions",
        ["Id", "Datanet", "Status", "Review", "Size", "Submitted", "In version"],
        contributionRows,
        "no contributions",
      ),
    ),
    section(
      "x402 payments",
      table(
        "Paid by this address",
        ["Payer", "Payee", "Amount", "Resource", "Inference", "Height"],
        paymentRows(paid?.payments ?? []),
        "none",
      ),
      table(
        "Paid to this address",
        ["Payer", "Payee", "Amount", "Resource", "Inference", "Height"],
        paymentRows(received?.payments ?? []),
        "none",
      ),
    ),
  );
}
