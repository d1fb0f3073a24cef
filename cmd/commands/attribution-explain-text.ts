// The text form of `attribution explain`: the output with its spans marked «like this»[1]
// (overlapping spans share one mark: «…»[1,2]), footnotes, contributions, entries and the check.
import type { ExplainSpan, Explanation } from "./attribution-explain.js";

/** The output with every placed span marked; overlapping spans merged into one mark. */
export function markSpans(output: string, spans: readonly ExplainSpan[]): string {
  const placed = spans
    .filter((s) => s.start !== null && s.end !== null && s.end > s.start)
    .sort((a, b) => a.start! - b.start! || a.n - b.n);
  const regions: { start: number; end: number; labels: number[] }[] = [];
  for (const s of placed) {
    const last = regions[regions.length - 1];
    if (last && s.start! < last.end) {
      last.end = Math.max(last.end, s.end!);
      last.labels.push(s.n);
    } else regions.push({ start: s.start!, end: s.end!, labels: [s.n] });
  }
  let out = "";
  let at = 0;
  for (const r of regions) {
    out += `${output.slice(at, r.start)}«${output.slice(r.start, r.end)}»[${r.labels.join(",")}]`;
    at = r.end;
  }
  return out + output.slice(at);
}

const state = (s: string) => s.replace("JOB_STATE_", "").toLowerCase();
const method = (m: string) => m.replace("ATTRIBUTION_METHOD_", "").toLowerCase();
const indent = (text: string) =>
  text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");

export function renderText(e: Explanation): string {
  const lines: string[] = [];
  const j = e.job;
  const finalized = j.state === "JOB_STATE_FINALIZED" ? ` at height ${j.finalized_height}` : "";
  const target = j.adapter_id !== "0" ? `adapter ${j.adapter_id}` : `model ${j.model_id}`;
  lines.push(`job ${j.id}: ${method(j.method)} attribution, ${state(j.state)}${finalized} (${target})`, "");
  lines.push("output:", indent(markSpans(e.output, e.spans)), "");
  if (e.spans.length > 0) {
    const who = new Map(e.contributions.map((c) => [c.id, c]));
    lines.push("spans:");
    for (const s of e.spans) {
      const where = s.start === null ? " (not placed in the output)" : "";
      const by = s.contributions.map((id) => {
        const c = who.get(id);
        return c ? `#${id} (${c.contributor}, datanet ${c.datanet_id})` : `#${id}`;
      });
      lines.push(`  [${s.n}] "${s.text}"${where}`);
      lines.push(`      ${s.count} occurrence${s.count === 1 ? "" : "s"}: ${by.join(", ")}`);
    }
    lines.push("");
  } else if (j.method === "ATTRIBUTION_METHOD_SPAN") lines.push("spans: none found", "");
  if (e.local?.label !== undefined)
    lines.push(`predicted label: ${e.local.label} (p = ${e.local.probability?.toFixed(4)})`, "");
  lines.push(j.method === "ATTRIBUTION_METHOD_SPAN" ? "contributions:" : "top contributions (on-chain bps):");
  if (e.contributions.length === 0) lines.push("  (none)");
  for (const c of e.contributions) {
    const bps = c.bps === null ? "   - bps" : `${String(c.bps).padStart(5)} bps`;
    const status = c.status === "approved" ? "" : ` [${c.status}]`;
    lines.push(`  #${c.id} ${bps}  ${c.contributor}  datanet ${c.datanet_id}${status}`);
    lines.push(`      "${c.excerpt}"`);
  }
  lines.push("");
  const list = (es: Explanation["entries"]) =>
    es.length === 0 ? "(none)" : es.map((x) => `${x.contribution_id}:${x.bps}`).join(" ");
  lines.push(`entries on chain (contribution:bps): ${list(e.entries)}`);
  if (e.local) {
    const how = e.local.index ? ` (span index ${e.local.index})` : "";
    lines.push(`recomputed here${how}: ${list(e.local.entries)}`);
  }
  if (e.matches === true) lines.push("the local recomputation matches the finalized entries");
  if (e.warning) lines.push(`WARNING: ${e.warning}`);
  if (e.note) lines.push(`note: ${e.note}`);
  return lines.join("\n");
}
