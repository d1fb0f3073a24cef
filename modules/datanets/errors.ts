// The datanets module's error codes (codespace "datanets"), registered as x/bank's are: each code
// has one fixed description, and a detail reads "<detail>: <description>" as the SDK's Wrapf.
import { errorFactory } from "../../node/app/errors.js";

export const CODESPACE = "datanets";

export enum DatanetsCode {
  InvalidField = 2,
  DatanetNotFound = 3,
  ContributionNotFound = 4,
  VersionNotFound = 5,
  NotOwner = 6,
  NotCurator = 7,
  NotAllowedContributor = 8,
  InvalidContent = 9,
  ContentTooLarge = 10,
  HashMismatch = 11,
  DuplicateContent = 12,
  ContributorDailyCap = 13,
  DatanetDailyCap = 14,
  NotPending = 15,
  NotApproved = 16,
  InvalidScore = 17,
  SelfReview = 18,
  NotContributor = 19,
  InvalidUpdate = 20,
}

const DESCRIPTIONS: Record<DatanetsCode, string> = {
  [DatanetsCode.InvalidField]: "invalid datanet field",
  [DatanetsCode.DatanetNotFound]: "datanet not found",
  [DatanetsCode.ContributionNotFound]: "contribution not found",
  [DatanetsCode.VersionNotFound]: "datanet version not found",
  [DatanetsCode.NotOwner]: "signer is not the datanet owner",
  [DatanetsCode.NotCurator]: "signer is not a curator of the datanet",
  [DatanetsCode.NotAllowedContributor]: "signer may not contribute to this permissioned datanet",
  [DatanetsCode.InvalidContent]: "invalid content",
  [DatanetsCode.ContentTooLarge]: "content too large",
  [DatanetsCode.HashMismatch]: "content does not match the declared sha256",
  [DatanetsCode.DuplicateContent]: "content already in the datanet",
  [DatanetsCode.ContributorDailyCap]: "contributor daily cap exceeded",
  [DatanetsCode.DatanetDailyCap]: "datanet daily cap exceeded",
  [DatanetsCode.NotPending]: "contribution is not pending review",
  [DatanetsCode.NotApproved]: "contribution is not approved",
  [DatanetsCode.InvalidScore]: "invalid score",
  [DatanetsCode.SelfReview]: "a curator cannot review their own contribution",
  [DatanetsCode.NotContributor]: "signer is not the contributor",
  [DatanetsCode.InvalidUpdate]: "invalid datanet update",
};

export const datanetsError = errorFactory(CODESPACE, DESCRIPTIONS);

/** The registry, for documentation and tests: code → description. */
export function errorRegistry(): [number, string][] {
  return Object.entries(DESCRIPTIONS).map(([code, d]) => [Number(code), d]);
}
