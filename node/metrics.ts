// Prometheus metrics, served at /metrics on their own port (CometBFT's instrumentation port).
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class NodeMetrics {
  readonly registry = new Registry();
  readonly height = new Gauge({
    name: "openledger_height",
    help: "Latest committed height",
    registers: [this.registry],
  });
  readonly txs = new Counter({
    name: "openledger_txs_total",
    help: "Txs committed",
    registers: [this.registry],
  });
  readonly failedTxs = new Counter({
    name: "openledger_failed_txs_total",
    help: "Txs committed with a non-zero code",
    registers: [this.registry],
  });
  readonly mempoolSize = new Gauge({
    name: "openledger_mempool_size",
    help: "Txs in the mempool",
    registers: [this.registry],
  });
  readonly blockInterval = new Histogram({
    name: "openledger_block_interval_seconds",
    help: "Time between consecutive blocks",
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly checkTxSeconds = new Histogram({
    name: "openledger_check_tx_seconds",
    help: "CheckTx latency",
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly finalizeSeconds = new Histogram({
    name: "openledger_finalize_block_seconds",
    help: "FinalizeBlock + commit latency",
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [this.registry],
  });
}

/** Serves /metrics on host:port; port 0 picks a free one. */
export async function startMetricsServer(metrics: NodeMetrics, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: metrics are at /metrics\n");
      return;
    }
    metrics.registry
      .metrics()
      .then((text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text))
      .catch((err: Error) => res.writeHead(500).end(err.message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
