// Readable names of the chain's enums (the generated enums' names without their prefixes).
import { JobState } from "../../proto/gen/openledger/attribution/v1/types.js";
import { ContributionStatus } from "../../proto/gen/openledger/datanets/v1/types.js";
import { AttributionMethod } from "../../proto/gen/openledger/models/v1/types.js";

export const contributionStatus = (s: ContributionStatus) =>
  (ContributionStatus[s] ?? String(s)).replace("CONTRIBUTION_STATUS_", "").toLowerCase();
export const jobState = (s: JobState) => (JobState[s] ?? String(s)).replace("JOB_STATE_", "").toLowerCase();
export const attributionMethod = (m: AttributionMethod) =>
  (AttributionMethod[m] ?? String(m)).replace("ATTRIBUTION_METHOD_", "").toLowerCase();

export { AttributionMethod, ContributionStatus, JobState };
