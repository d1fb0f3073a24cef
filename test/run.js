// Runs the whole suite through mocha (config in .mocharc.json); its reporter prints the
// "N passed, N failed" line that CI reads. Extra arguments go to mocha (e.g. a spec file).
import { spawnSync } from "node:child_process";

const args = ["mocha", ...process.argv.slice(2)];
const result = spawnSync("npx", args, { stdio: "inherit" });
process.exit(result.status ?? 1);
