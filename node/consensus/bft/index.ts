// The BFT consensus core (Tendermint as CometBFT runs it), without networking or storage.

export { type BlockEntry, BlockParts, MAX_ORPHAN_PARTS, type PartOutcome } from "./block-parts.js";
export { BftEngine, type BftEngineDeps } from "./engine.js";
export { bftGossipsubOptions, DEFAULT_SEEN_TTL_MS } from "./engine-gossip.js";
export { checkReceivedBlock, createProposalBlock, type ProposalDeps } from "./engine-proposal.js";
export { type ChainTip, loadChainTip, validationState } from "./engine-tip.js";
export { HeightVoteSet, MAX_CATCHUP_ROUNDS } from "./height-vote-set.js";
export {
  GO_ZERO_TIME_NANOS,
  medianTime,
  medianTimeNanos,
  nanosTimestamp,
  timestampNanos,
  type WeightedTime,
  weightedMedian,
} from "./median-time.js";
export {
  blockIdKey,
  isNilBlockId,
  keySigner,
  type Signer,
  validateProposal,
  validateVote,
} from "./messages.js";
export { FilePV, type SignResult } from "./privval.js";
export {
  type LastSignState,
  type LastSignStateJson,
  lastSignStateFromJson,
  lastSignStateToJson,
  STEP_PRECOMMIT,
  STEP_PREVOTE,
  STEP_PROPOSE,
  writeFileAtomicSync,
} from "./privval-state.js";
export { incrementProposerPriority, type PrioritizedValidator } from "./proposer-priority.js";
export type { RoundState } from "./round-state.js";
export { ConsensusStateMachine, FUTURE_PROPOSAL_ROUNDS, type StateMachineOptions } from "./state-machine.js";
export { DEFAULT_TIMEOUTS, type TimeoutConfig, timeoutConfig } from "./timeouts.js";
export {
  type CompleteBlock,
  type ConsensusAction,
  type ConsensusInput,
  type HandleResult,
  RoundStep,
} from "./types.js";
export {
  BLOCK_PROTOCOL,
  type BlockValidationResult,
  type BlockValidationState,
  validateBlock,
} from "./validate-block.js";
export { type SetValidator, ValidatorSet } from "./validator-set.js";
export { type AddVoteOutcome, VoteSet } from "./vote-set.js";
export {
  Wal,
  WalCorruptionError,
  type WalOptions,
  type WalReplay,
  type WalTornTail,
} from "./wal.js";
export {
  crc32c,
  decodeWalRecord,
  encodeWalRecord,
  frameWalRecord,
  MAX_WAL_RECORD_BYTES,
  WAL_HEADER_BYTES,
  type WalInput,
  type WalRecord,
} from "./wal-codec.js";
