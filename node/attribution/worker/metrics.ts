// Attribution worker metrics (issue item 6): pending jobs, attribution latency, index sizes, and
// how often this validator's result was the one the chain finalized (agreement rate).
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export class AttributionMetrics {
  readonly pendingJobs: Gauge;
  readonly seconds: Histogram<"method">;
  readonly submissions: Counter<"outcome">;
  readonly outcomes: Counter<"outcome">;
  readonly indexTokens: Gauge;
  readonly agreementRate: Gauge;

  constructor(registry: Registry, indexTokens: () => number) {
    const registers = [registry];
    this.pendingJobs = new Gauge({
      name: "openledger_attribution_jobs_pending",
      help: "Pending attribution jobs",
      registers,
    });
    this.seconds = new Histogram({
      name: "openledger_attribution_seconds",
      help: "Time to attribute one job (index build included the first time)",
      labelNames: ["method"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.submissions = new Counter({
      name: "openledger_attribution_submissions_total",
      help: "Results this validator submitted, by mempool outcome",
      labelNames: ["outcome"],
      registers,
    });
    this.outcomes = new Counter({
      name: "openledger_attribution_results_total",
      help: "This validator's submitted results once their job ended: agreed (finalized as submitted) or not",
      labelNames: ["outcome"],
      registers,
    });
    this.indexTokens = new Gauge({
      name: "openledger_attribution_index_tokens",
      help: "Live tokens in the span indexes this worker holds open",
      registers,
      collect() {
        this.set(indexTokens());
      },
    });
    const outcomes = this.outcomes;
    this.agreementRate = new Gauge({
      name: "openledger_attribution_agreement_rate",
      help: "Share of this validator's ended results that the chain finalized as submitted",
      registers,
      async collect() {
        const values = (await outcomes.get()).values;
        const agreed = values.find((v) => v.labels.outcome === "agreed")?.value ?? 0;
        const total = values.reduce((s, v) => s + v.value, 0);
        this.set(total === 0 ? 0 : agreed / total);
      },
    });
  }
}
