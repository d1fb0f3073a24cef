// `npm test`: the two type-checks (node code, the explorer's browser code) and the linter count as
// three checks, then the mocha suite (config in .mocharc.json). Always ends with the line CI reads:
// "N passed, N failed". Extra arguments go to mocha (e.g. a spec file).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let passed = 0;
let failed = 0;
for (const [name, cmd] of [
  ["type-check (tsc --noEmit)", ["tsc", "--noEmit"]],
  ["type-check the explorer (tsc --noEmit -p explorer)", ["tsc", "--noEmit", "-p", "explorer"]],
  ["lint and format (biome check)", ["biome", "check", "."]],
]) {
  const ok = spawnSync("npx", cmd, { stdio: "inherit" }).status === 0;
  process.stdout.write(`${ok ? "✔" : "✘"} ${name}\n`);
  if (ok) passed++;
  else failed++;
}

const dir = mkdtempSync(join(tmpdir(), "openledger-test-"));
const totalsFile = join(dir, "totals.json");
const specs = process.argv.length > 2 ? process.argv.slice(2) : ["test/**/*.test.ts"];
const mocha = spawnSync("npx", ["mocha", ...specs], {
  stdio: "inherit",
  env: { ...process.env, OPENLEDGER_TOTALS_FILE: totalsFile },
});
if (existsSync(totalsFile)) {
  const totals = JSON.parse(readFileSync(totalsFile, "utf8"));
  passed += totals.passes;
  failed += totals.failures;
} else {
  process.stdout.write(`mocha did not finish (exit ${mocha.status ?? mocha.signal})\n`);
  failed++;
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 && mocha.status === 0 ? 0 : 1);
