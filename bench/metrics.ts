// The node's Prometheus histograms (checkTx, finalize): scraped from /metrics, diffed, bucketed.
import { fmt } from "./format.js";

export interface Histogram {
  count: number;
  sum: number;
  buckets: [number, number][];
}

function parseHistograms(text: string): Map<string, Histogram> {
  const out = new Map<string, Histogram>();
  const get = (name: string) => {
    let h = out.get(name);
    if (!h) {
      h = { count: 0, sum: 0, buckets: [] };
      out.set(name, h);
    }
    return h;
  };
  for (const line of text.split("\n")) {
    let m = /^(\w+)_bucket\{le="([^"]+)"\} (\S+)$/.exec(line);
    if (m) {
      get(m[1]!).buckets.push([m[2] === "+Inf" ? Number.POSITIVE_INFINITY : Number(m[2]), Number(m[3])]);
      continue;
    }
    m = /^(\w+)_(sum|count) (\S+)$/.exec(line);
    if (m) get(m[1]!)[m[2] as "sum" | "count"] = Number(m[3]);
  }
  return out;
}

export function diffHistogram(a: Histogram | undefined, b: Histogram | undefined): Histogram | undefined {
  if (!b) return undefined;
  if (!a) return b;
  return {
    count: b.count - a.count,
    sum: b.sum - a.sum,
    buckets: b.buckets.map(([le, n], i) => [le, n - (a.buckets[i]?.[1] ?? 0)]),
  };
}

/** "≤ bound" of the bucket under which quantile q of the observations fall, in ms. */
export function bucketQuantile(h: Histogram, q: number): string {
  const target = h.count * q;
  let lastFinite = 0;
  for (const [le, n] of h.buckets) {
    if (n >= target)
      return Number.isFinite(le)
        ? `≤ ${fmt(le * 1e3, le < 0.001 ? 1 : 0)} ms`
        : `> ${fmt(lastFinite * 1e3)} ms`;
    if (Number.isFinite(le)) lastFinite = le;
  }
  return "n/a";
}

export async function fetchMetrics(port: number): Promise<Map<string, Histogram>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return parseHistograms(await res.text());
}
