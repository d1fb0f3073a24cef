// Rewards over time as an SVG step plot (no chart library): cumulative amount paid to an address
// by block height, one dot per payment, each with its amount and job in a <title>.
import { formatInt, h, svg } from "../dom.js";

export interface RewardPoint {
  height: number;
  amount: bigint;
  jobId: string;
}

export function rewardsPlot(points: readonly RewardPoint[], denom: string): HTMLElement {
  if (points.length === 0) return h("p", { class: "empty" }, "No rewards paid to this address yet.");
  const sorted = [...points].sort((a, b) => a.height - b.height);
  const width = 600;
  const height = 220;
  const pad = { left: 70, right: 16, top: 12, bottom: 34 };
  // A little room before the first payment, so its step up shows.
  const span = sorted.at(-1)!.height - sorted[0]!.height;
  const minH = Math.max(0, sorted[0]!.height - Math.max(1, Math.ceil(span / 10)));
  const maxH = Math.max(sorted.at(-1)!.height, minH + 1);
  let running = 0n;
  const cumulative = sorted.map((p) => {
    running += p.amount;
    return { ...p, total: running };
  });
  const top = running > 0n ? running : 1n;
  const x = (hgt: number) => pad.left + ((hgt - minH) / (maxH - minH)) * (width - pad.left - pad.right);
  const y = (v: bigint) =>
    height - pad.bottom - (Number((v * 10_000n) / top) / 10_000) * (height - pad.top - pad.bottom);
  let path = `M ${x(minH).toFixed(1)} ${y(0n).toFixed(1)}`;
  for (const p of cumulative) path += ` H ${x(p.height).toFixed(1)} V ${y(p.total).toFixed(1)}`;
  const axisY = height - pad.bottom;
  return h(
    "figure",
    { class: "rewards-plot" },
    svg(
      "svg",
      {
        viewBox: `0 0 ${width} ${height}`,
        role: "img",
        "aria-label": `Cumulative rewards: ${formatInt(running)} ${denom} over ${points.length} payments`,
        "data-testid": "rewards-plot",
      },
      svg("line", { x1: pad.left, y1: axisY, x2: width - pad.right, y2: axisY, class: "axis" }),
      svg("line", { x1: pad.left, y1: pad.top, x2: pad.left, y2: axisY, class: "axis" }),
      svg(
        "text",
        { x: pad.left - 6, y: pad.top + 10, "text-anchor": "end", class: "tick" },
        formatInt(running),
      ),
      svg("text", { x: pad.left - 6, y: axisY, "text-anchor": "end", class: "tick" }, "0"),
      svg("text", { x: pad.left, y: height - 12, class: "tick" }, `height ${minH}`),
      svg(
        "text",
        { x: width - pad.right, y: height - 12, "text-anchor": "end", class: "tick" },
        `height ${maxH}`,
      ),
      svg("path", { d: path, class: "line" }),
      ...cumulative.map((p) =>
        svg(
          "circle",
          {
            cx: x(p.height).toFixed(1),
            cy: y(p.total).toFixed(1),
            r: 4,
            class: "dot",
            "data-amount": p.amount.toString(),
          },
          svg(
            "title",
            {},
            `height ${p.height}: +${formatInt(p.amount)} ${denom} (job ${p.jobId}), total ${formatInt(p.total)}`,
          ),
        ),
      ),
    ),
    h("figcaption", {}, `Cumulative rewards (${denom}) by block height`),
  );
}
