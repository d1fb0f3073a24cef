// The penalty path: a flagged contribution cannot be attributed, a contributor past the flag
// threshold earns less (the rest goes to the treasury), and with non-zero slash params disagreeing
// and missing validators lose stake through staking's slash rule.
import assert from "node:assert/strict";
import { msgFlagContribution } from "../../../client/index.js";
import { formatValoper } from "../../../modules/staking/index.js";
import { parseAddress } from "../../../node/app/address.js";
import { JobState } from "../../../proto/gen/openledger/attribution/v1/types.js";
import { devAddress } from "../../app/helpers.js";
import { attrsOf, ESCROW, entries, Harness, submitMsg, TREASURY, VALIDATORS } from "./helpers.js";

const [ALICE, BOB, CAROL, DAVE] = VALIDATORS as [
  (typeof VALIDATORS)[0],
  (typeof VALIDATORS)[0],
  (typeof VALIDATORS)[0],
  (typeof VALIDATORS)[0],
];
const F = 1_000_003n;

describe("attribution: penalties and slashes", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("a contribution flagged before the job is refused; a contributor at the flag threshold gets reward × (1 − penalty)", async () => {
    h = await Harness.start({ penalty_flag_threshold: "1", penalty_bps: 5000 });
    // Bob curates datanet 1 and flags dave's contribution 2 (dave has 1 flag now), then the
    // inference is recorded: contribution 2 is not live for this job.
    await h.ok([
      {
        by: h.s.bob,
        msgs: [msgFlagContribution({ curator: h.s.bob.address, contributionId: 2, reason: "leaks PHI" })],
      },
    ]);
    const jobId = await h.record();
    const flaggedTx = await h.run(h.s.alice, submitMsg(ALICE, jobId, entries([2, 10000])));
    assert.equal(flaggedTx.code, 17);
    assert.equal(
      flaggedTx.log,
      `contribution 2 was flagged before job ${jobId} and is excluded from attribution: contribution not attributable`,
    );

    const result = entries([3, 5000], [4, 5000]); // dave's gamma, carol's delta
    const treasuryBefore = h.balance(TREASURY);
    await h.ok([
      { by: h.s.alice, msgs: [submitMsg(ALICE, jobId, result)] },
      { by: h.s.bob, msgs: [submitMsg(BOB, jobId, result)] },
      { by: h.s.carol, msgs: [submitMsg(CAROL, jobId, result)] },
    ]);
    assert.equal(h.job(jobId).state, JobState.JOB_STATE_FINALIZED);
    const cut = (F * 5000n) / 10000n; // 500001
    const share = (cut * 5000n) / 10000n; // 250000
    const dave = devAddress("dave");
    const carol = devAddress("carol");
    assert.equal(h.rewardsOf(carol), share);
    assert.equal(h.rewardsOf(dave), share / 2n, "dave is past the threshold: half");
    assert.equal(h.rewardsEarned(dave), share / 2n);
    assert.equal(h.rewardsOfDatanet(1n), share + share / 2n);
    const owner = (F * 2000n) / 10000n;
    const validators = 75_000n + 75_000n + 50_000n;
    assert.equal(h.balance(TREASURY) - treasuryBefore, F - owner - share - share / 2n - validators);
    assert.equal(h.balance(ESCROW), 0n);
  });

  it("a contribution flagged after the job is still accepted in results (all validators answer alike), but earns nothing", async () => {
    h = await Harness.start({});
    const jobId = await h.record();
    await h.ok([
      {
        by: h.s.bob,
        msgs: [msgFlagContribution({ curator: h.s.bob.address, contributionId: 2, reason: "leaks PHI" })],
      },
    ]);
    const result = entries([2, 5000], [4, 5000]);
    await h.ok([
      { by: h.s.alice, msgs: [submitMsg(ALICE, jobId, result)] },
      { by: h.s.bob, msgs: [submitMsg(BOB, jobId, result)] },
      { by: h.s.carol, msgs: [submitMsg(CAROL, jobId, result)] },
    ]);
    assert.equal(h.job(jobId).state, JobState.JOB_STATE_FINALIZED);
    assert.equal(h.rewardsOf(devAddress("dave")), 0n, "the flagged contribution earns nothing");
    assert.equal(h.rewardsOf(devAddress("carol")), (((F * 5000n) / 10000n) * 5000n) / 10000n);
  });

  it("non-zero slash params burn stake of the disagreeing and of the missing", async () => {
    h = await Harness.start({ slash_disagree_bps: 1000, slash_missed_bps: 500 });
    const tokens = async (name: "dave" | "alice") => {
      const v = await h.stakingValidator(formatValoper(parseAddress(devAddress(name))));
      return BigInt(v.tokens);
    };
    assert.equal(await tokens("dave"), 2_000_000n);
    const first = await h.record();
    const a = entries([1, 10000]);
    const res = await h.ok([
      { by: h.s.dave, msgs: [submitMsg(DAVE, first, entries([2, 10000]))] },
      { by: h.s.alice, msgs: [submitMsg(ALICE, first, a)] },
      { by: h.s.bob, msgs: [submitMsg(BOB, first, a)] },
      { by: h.s.carol, msgs: [submitMsg(CAROL, first, a)] },
    ]);
    const [disagreed] = res.txResults.flatMap((r) => attrsOf(r, "attribution_disagreed"));
    assert.equal(disagreed?.slashed, "200000");
    assert.equal(await tokens("dave"), 1_800_000n);

    const second = await h.record();
    await h.ok([ALICE, BOB, CAROL].map((v) => ({ by: h.s[v.name], msgs: [submitMsg(v, second, a)] })));
    const blocks = await h.until(h.job(second).deadlineHeight);
    const missed = blocks.flatMap((b) => attrsOf(b, "attribution_missed"));
    assert.deepEqual(
      missed.map((m) => [m.operator, m.slashed]),
      [[devAddress("dave"), "90000"]],
    );
    assert.equal(await tokens("dave"), 1_710_000n);
    assert.equal(await tokens("alice"), 3_000_000n);
    const record = h.validatorRecord(formatValoper(parseAddress(devAddress("dave"))));
    assert.deepEqual(
      {
        disagreed: record.disagreed,
        missed: record.missed,
        slashed: record.slashed,
        submitted: record.submitted,
      },
      { disagreed: 1n, missed: 1n, slashed: "290000", submitted: 1n },
    );
  });
});
