// The output with each matched span highlighted: overlapping spans share one <mark>, which is a
// focusable button; hovering, focusing or clicking it shows the contributions behind its spans
// (datanet, contributor, excerpt with the span in bold) in the panel below the text.
import { addressLink, datanetLink, excerpt, h } from "../dom.js";
import type { PlacedSpan } from "../span-recompute.js";
import type { LoadedContribution } from "./inference.js";

interface Region {
  start: number;
  end: number;
  spans: PlacedSpan[];
}

function regionsOf(spans: readonly PlacedSpan[]): Region[] {
  const placed = spans
    .filter((s) => s.start !== null && s.end !== null && s.end > s.start)
    .sort((a, b) => a.start! - b.start! || a.n - b.n);
  const regions: Region[] = [];
  for (const s of placed) {
    const last = regions.at(-1);
    if (last && s.start! < last.end) {
      last.end = Math.max(last.end, s.end!);
      last.spans.push(s);
    } else regions.push({ start: s.start!, end: s.end!, spans: [s] });
  }
  return regions;
}

/** `text` with each occurrence of `needle` in <strong>. */
function emphasize(text: string, needle: string): (Node | string)[] {
  const flat = needle.replace(/\s+/g, " ").trim();
  if (!flat) return [text];
  const parts = text.split(flat);
  return parts.flatMap((p, i) => (i === 0 ? [p] : [h("strong", {}, flat), p]));
}

function spanDetail(span: PlacedSpan, loaded: Map<bigint, LoadedContribution>): HTMLElement {
  return h(
    "div",
    { class: "span-detail", "data-span": String(span.n) },
    h("h3", {}, `Span ${span.n}: “${span.text}”`),
    h("p", {}, `${span.count} occurrence${span.count === 1 ? "" : "s"} in the datanet versions, in:`),
    h(
      "ul",
      {},
      ...span.contributions.map((id) => {
        const c = loaded.get(id);
        if (!c) return h("li", {}, `contribution #${id}`);
        return h(
          "li",
          { "data-contribution": id.toString() },
          h("span", {}, `#${id} · `),
          datanetLink(c.contribution.datanetId),
          " · ",
          addressLink(c.contribution.contributor),
          h("blockquote", {}, ...emphasize(excerpt(c.text ?? "", span.text, 200), span.text)),
        );
      }),
    ),
  );
}

export function renderSpans(
  output: string,
  spans: readonly PlacedSpan[],
  loaded: Map<bigint, LoadedContribution>,
): HTMLElement {
  const panel = h(
    "aside",
    { id: "span-panel", class: "span-panel", "aria-live": "polite", "data-testid": "span-panel" },
    spans.length > 0
      ? h("p", {}, "Hover, focus or click a highlighted span to see the contributions behind it.")
      : h("p", {}, "No span of this output is found verbatim in the job's datanet versions."),
  );
  const text = h("div", { class: "output", "data-testid": "output" });
  let selected: HTMLElement | undefined;
  const show = (mark: HTMLElement, region: Region, pin: boolean) => {
    if (pin) {
      selected?.setAttribute("aria-pressed", "false");
      selected = mark;
      mark.setAttribute("aria-pressed", "true");
    } else if (selected && selected !== mark) return;
    panel.replaceChildren(...region.spans.map((s) => spanDetail(s, loaded)));
  };
  let at = 0;
  for (const region of regionsOf(spans)) {
    text.append(output.slice(at, region.start));
    const labels = region.spans.map((s) => s.n).join(",");
    const mark = h(
      "mark",
      {
        class: "span",
        tabindex: 0,
        role: "button",
        "aria-pressed": "false",
        "aria-controls": "span-panel",
        "aria-label": `span ${labels}: ${output.slice(region.start, region.end)}`,
        "data-spans": labels,
      },
      output.slice(region.start, region.end),
      h("sup", { "aria-hidden": "true" }, labels),
    );
    mark.addEventListener("mouseenter", () => show(mark, region, false));
    mark.addEventListener("focus", () => {
      selected?.setAttribute("aria-pressed", "false");
      selected = undefined;
      show(mark, region, false);
    });
    mark.addEventListener("click", () => show(mark, region, true));
    mark.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        show(mark, region, true);
      }
    });
    text.append(mark);
    at = region.end;
  }
  text.append(output.slice(at));
  return h("div", { class: "spans" }, text, panel);
}
