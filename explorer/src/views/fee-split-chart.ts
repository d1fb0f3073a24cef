// The fee split of a finalized job as an SVG bar (no chart library): one segment per payment the
// chain made (events attribution_payout: owner, each contributor, each agreeing validator, the
// treasury), widths proportional to the amounts, with a table of the same numbers beside it.
import { addressLink, formatCoin, h, svg } from "../dom.js";
import type { EventRecord } from "../events.js";

export interface Payout {
  role: "owner" | "contributor" | "validator" | "treasury" | string;
  recipient: string;
  amount: bigint;
}

const ROLE_COLORS: Record<string, string[]> = {
  owner: ["#3867d6"],
  contributor: ["#20bf6b", "#26de81", "#0fb9b1", "#2bcbba", "#7bed9f", "#10ac84"],
  validator: ["#f7b731", "#fa8231", "#fed330"],
  treasury: ["#8854d0"],
};
const ROLE_ORDER = ["owner", "contributor", "validator", "treasury"];

/** The integer amount of an event's coin ("200000uopen"); 0 when it is not one. */
export function coinAmount(coin: string | undefined): bigint {
  const m = /^(\d+)/.exec(coin ?? "");
  return m ? BigInt(m[1]!) : 0n;
}

export function payoutsOf(events: EventRecord[], jobId: bigint): Payout[] {
  return events
    .filter((e) => e.job_id === String(jobId))
    .map((e) => ({ role: e.role ?? "?", recipient: e.recipient ?? "", amount: coinAmount(e.amount) }))
    .sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
}

const percent = (part: bigint, whole: bigint) =>
  whole === 0n ? "0%" : `${(Number((part * 100_000n) / whole) / 1000).toFixed(2)}%`;

/** The chart and its table; `denom` names the fee's denom. */
export function feeSplitChart(payouts: Payout[], fee: bigint, denom: string): HTMLElement {
  const total = payouts.reduce((s, p) => s + p.amount, 0n);
  const width = 600;
  const height = 56;
  const used = new Map<string, number>();
  const colorOf = (role: string) => {
    const palette = ROLE_COLORS[role] ?? ["#778ca3"];
    const k = used.get(role) ?? 0;
    used.set(role, k + 1);
    return palette[k % palette.length]!;
  };
  const colors = payouts.map((p) => colorOf(p.role));
  let x = 0;
  const segments = payouts.map((p, i) => {
    const w = total === 0n ? 0 : Number((p.amount * BigInt(width * 1000)) / total) / 1000;
    const rect = svg(
      "rect",
      {
        x: x.toFixed(3),
        y: 0,
        width: w.toFixed(3),
        height,
        fill: colors[i]!,
        "data-role": p.role,
        "data-recipient": p.recipient,
        "data-amount": p.amount.toString(),
      },
      svg("title", {}, `${p.role} ${p.recipient}: ${p.amount} ${denom} (${percent(p.amount, total)})`),
    );
    x += w;
    return rect;
  });
  const chart = svg(
    "svg",
    {
      class: "fee-chart",
      viewBox: `0 0 ${width} ${height}`,
      preserveAspectRatio: "none",
      role: "img",
      "aria-label": `Fee of ${total} ${denom} split between ${payouts.length} recipients`,
      "data-testid": "fee-split-chart",
    },
    ...segments,
  );
  const rows = payouts.map((p, i) =>
    h(
      "tr",
      { "data-role": p.role, "data-amount": p.amount.toString() },
      h("td", {}, h("span", { class: "swatch", style: `background:${colors[i]}` }), p.role),
      h("td", {}, p.role === "treasury" ? "protocol treasury" : addressLink(p.recipient)),
      h("td", { class: "num" }, formatCoin(p.amount, denom)),
      h("td", { class: "num" }, percent(p.amount, total)),
    ),
  );
  return h(
    "figure",
    { class: "fee-split" },
    chart,
    h(
      "figcaption",
      {},
      `Paid out: ${formatCoin(total, denom)} of a ${formatCoin(fee, denom)} fee`,
      total === fee ? "" : " (the amounts do not add up to the fee: see the block's events)",
    ),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { "data-testid": "fee-split-table" },
        h("caption", {}, "Fee split"),
        h(
          "thead",
          {},
          h("tr", {}, ...["Role", "Recipient", "Amount", "Share"].map((t) => h("th", { scope: "col" }, t))),
        ),
        h("tbody", {}, ...rows),
      ),
    ),
  );
}
