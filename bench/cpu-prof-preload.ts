// Preloaded into the network's node processes by bft-network.ts --cpu-prof (NODE_OPTIONS="--import
// tsx --import <this file>", since node refuses --cpu-prof in NODE_OPTIONS and the launcher passes
// no node flags): the first SIGUSR2 starts V8's CPU profiler, the second stops it and writes
// $OPENLEDGER_BENCH_PROF_DIR/node-<pid>.cpuprofile, so the profile covers the load window only.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";

const dir = process.env.OPENLEDGER_BENCH_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  let profiling = false;
  process.on("SIGUSR2", () => {
    const step = profiling
      ? session.post("Profiler.stop").then(({ profile }) => {
          writeFileSync(join(dir, `node-${process.pid}.cpuprofile`), JSON.stringify(profile));
        })
      : session.post("Profiler.enable").then(() => session.post("Profiler.start"));
    profiling = !profiling;
    step.catch((err: unknown) => process.stderr.write(`cpu-prof-preload: ${String(err)}\n`));
  });
}
