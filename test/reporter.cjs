// Mocha's spec output, then the closing line CI reads: "N passed, N failed". When test/run.js
// drives mocha it sets OPENLEDGER_TOTALS_FILE: the counts go there and run.js prints the line.
const { writeFileSync } = require("node:fs");
const Mocha = require("mocha");

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once("end", () => {
      const { passes = 0, failures = 0 } = this.stats;
      const file = process.env.OPENLEDGER_TOTALS_FILE;
      if (file) writeFileSync(file, JSON.stringify({ passes, failures }));
      else process.stdout.write(`${passes} passed, ${failures} failed\n`);
    });
  }
}

module.exports = SpecWithTotals;
