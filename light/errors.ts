// Every way light verification can fail, one class and one code each (after CometBFT's light/errors.go
// and types/validation.go), so callers and tests can tell a forged signature from a stale header.

export type LightErrorCode =
  | "ERR_HEADER_HASH"
  | "ERR_INVALID_HEADER"
  | "ERR_INVALID_COMMIT"
  | "ERR_INVALID_SIGNATURE"
  | "ERR_NOT_ENOUGH_POWER"
  | "ERR_NEW_VALSET_CANT_BE_TRUSTED"
  | "ERR_VALIDATOR_SET_HASH"
  | "ERR_HEADER_EXPIRED"
  | "ERR_HEADER_FROM_FUTURE"
  | "ERR_TRUSTED_HASH"
  | "ERR_INVALID_PROOF"
  | "ERR_PROVIDER"
  | "ERR_OPTIONS";

export abstract class LightClientError extends Error {
  abstract readonly code: LightErrorCode;
}

/** The header does not hash to the block id its commit signed (a header field was changed). */
export class HeaderHashMismatchError extends LightClientError {
  override name = "HeaderHashMismatchError";
  readonly code = "ERR_HEADER_HASH";
}

/** The header breaks a basic rule: chain id, height or time not increasing, commit for another height. */
export class InvalidHeaderError extends LightClientError {
  override name = "InvalidHeaderError";
  readonly code = "ERR_INVALID_HEADER";
}

/** The commit is malformed: wrong size for the set, a signer not at its index, a double vote. */
export class InvalidCommitError extends LightClientError {
  override name = "InvalidCommitError";
  readonly code = "ERR_INVALID_COMMIT";
}

/** A commit signature is forged, or missing on an entry that claims to have signed. */
export class InvalidCommitSignatureError extends LightClientError {
  override name = "InvalidCommitSignatureError";
  readonly code = "ERR_INVALID_SIGNATURE";
}

/** The commit carries signatures of no more than 2/3 of the validator set's power. */
export class NotEnoughVotingPowerError extends LightClientError {
  override name = "NotEnoughVotingPowerError";
  readonly code = "ERR_NOT_ENOUGH_POWER";
}

/** Skipping: the trusted set signed for no more than the trust level; bisection tries a closer header. */
export class NewValSetCantBeTrustedError extends LightClientError {
  override name = "NewValSetCantBeTrustedError";
  readonly code = "ERR_NEW_VALSET_CANT_BE_TRUSTED";
}

/** The validator set supplied does not hash to validators_hash (or to the trusted next_validators_hash). */
export class ValidatorSetMismatchError extends LightClientError {
  override name = "ValidatorSetMismatchError";
  readonly code = "ERR_VALIDATOR_SET_HASH";
}

/** The trusted header is older than the trusting period: nothing can be verified from it any more. */
export class HeaderExpiredError extends LightClientError {
  override name = "HeaderExpiredError";
  readonly code = "ERR_HEADER_EXPIRED";
}

/** The new header's time is past now + max clock drift. */
export class HeaderFromFutureError extends LightClientError {
  override name = "HeaderFromFutureError";
  readonly code = "ERR_HEADER_FROM_FUTURE";
}

/** The header at the trusted height does not have the trusted hash. */
export class TrustedHashMismatchError extends LightClientError {
  override name = "TrustedHashMismatchError";
  readonly code = "ERR_TRUSTED_HASH";
}

/** An ICS23 proof does not prove the answered value (or absence) against the verified app hash. */
export class InvalidProofError extends LightClientError {
  override name = "InvalidProofError";
  readonly code = "ERR_INVALID_PROOF";
}

/** The RPC node could not be reached, answered an error, or answered something malformed. */
export class ProviderError extends LightClientError {
  override name = "ProviderError";
  readonly code = "ERR_PROVIDER";
}

/** Bad options: trust level outside [1/3, 1], non-positive trusting period, bad trusted hash. */
export class LightOptionsError extends LightClientError {
  override name = "LightOptionsError";
  readonly code = "ERR_OPTIONS";
}
