// Drives one consensus core by hand: four deterministic validator keys, signed votes and proposals
// from any of them, made-up complete blocks, and a record of every action the core asked for.
import { sha256 } from "@noble/hashes/sha2.js";
import type { BlockID, Proposal, Vote } from "cosmjs-types/tendermint/types/types";
import { keySigner } from "../../node/consensus/bft/messages.js";
import { ConsensusStateMachine } from "../../node/consensus/bft/state-machine.js";
import type { TimeoutConfig } from "../../node/consensus/bft/timeouts.js";
import {
  type CompleteBlock,
  type ConsensusAction,
  type ConsensusInput,
  type HandleResult,
  RoundStep,
} from "../../node/consensus/bft/types.js";
import { ValidatorSet } from "../../node/consensus/bft/validator-set.js";
import { zeroBlockId } from "../../node/types/block.js";
import { type Ed25519Key, keyFromSecret } from "../../node/types/ed25519.js";
import { timestampFromMillis } from "../../node/types/time.js";
import { makeValidator } from "../../node/types/validator.js";
import {
  SIGNED_MSG_TYPE_PRECOMMIT,
  SIGNED_MSG_TYPE_PREVOTE,
  SIGNED_MSG_TYPE_PROPOSAL,
  signProposal,
  signVote,
} from "../../node/types/vote.js";

export const CHAIN_ID = "unit-chain";
export const PREVOTE = SIGNED_MSG_TYPE_PREVOTE;
export const PRECOMMIT = SIGNED_MSG_TYPE_PRECOMMIT;
export const T0 = Date.UTC(2025, 0, 1);

export const keys: Ed25519Key[] = [0, 1, 2, 3].map((i) => keyFromSecret(`unit-validator-${i}`));
export const validators = ValidatorSet.create(keys.map((k) => makeValidator(k.pubKey, 10n)));
const byAddress = (a: Uint8Array) => keys.find((k) => Buffer.from(k.address).equals(Buffer.from(a)))!;
/** The proposer of `round` at height 1 (equal powers: one step per round, whatever the path). */
export const proposerOf = (round: number): Ed25519Key =>
  byAddress((round === 0 ? validators : validators.incremented(round)).proposer.address);
/** This node proposes in round 3 only, so rounds 0–2 are proposed by the others. */
export const me = proposerOf(3);
export const others = [0, 1, 2].map(proposerOf);

export function block(name: string, valid = true): CompleteBlock {
  const hash = sha256(new TextEncoder().encode(name));
  const parts = sha256(new TextEncoder().encode(`${name}/parts`));
  return {
    blockId: { hash, partSetHeader: { total: 1, hash: parts } },
    time: timestampFromMillis(T0),
    valid,
  };
}

export function vote(
  key: Ed25519Key,
  type: number,
  round: number,
  blockId: BlockID | undefined,
  height = 1n,
  chainId = CHAIN_ID,
): Vote {
  const unsigned: Vote = {
    type,
    height,
    round,
    blockId: blockId ?? zeroBlockId(),
    timestamp: timestampFromMillis(T0 + 1000 + round),
    validatorAddress: key.address,
    validatorIndex: validators.indexOf(key.address),
    signature: new Uint8Array(0),
    extension: new Uint8Array(0),
    extensionSignature: new Uint8Array(0),
  };
  return { ...unsigned, signature: signVote(chainId, unsigned, key) };
}

export function proposal(
  key: Ed25519Key,
  round: number,
  blockId: BlockID,
  polRound = -1,
  height = 1n,
): Proposal {
  const unsigned: Proposal = {
    type: SIGNED_MSG_TYPE_PROPOSAL,
    height,
    round,
    polRound,
    blockId,
    timestamp: timestampFromMillis(T0 + 500),
    signature: new Uint8Array(0),
  };
  return { ...unsigned, signature: signProposal(CHAIN_ID, unsigned, key) };
}

export class Driver {
  readonly sm: ConsensusStateMachine;
  readonly actions: ConsensusAction[] = [];
  clock = T0 + 2000;

  constructor(options: { signer?: Ed25519Key | null; timeouts?: Partial<TimeoutConfig> } = {}) {
    const key = options.signer === undefined ? me : options.signer;
    this.sm = new ConsensusStateMachine({
      chainId: CHAIN_ID,
      signer: key === null ? undefined : keySigner(key),
      timeouts: options.timeouts,
    });
  }

  feed(input: ConsensusInput): HandleResult {
    const result = this.sm.handle(input, timestampFromMillis(this.clock++));
    this.actions.push(...result.actions);
    return result;
  }

  /** startHeight then its timeout_commit: the core is in round 0, propose step. */
  start(height = 1n, set = validators): this {
    this.feed({ type: "startHeight", height, validators: set });
    this.feed({ type: "timeout", height, round: 0, step: RoundStep.NewHeight });
    return this;
  }

  /** Signed votes from `from`, each of which must not be rejected. */
  votes(type: number, round: number, blockId: BlockID | undefined, from: Ed25519Key[]): void {
    for (const k of from) {
      const r = this.feed({ type: "vote", vote: vote(k, type, round, blockId) });
      if (r.status === "rejected") throw new Error(`vote rejected: ${r.reason}`);
    }
  }

  propose(round: number, b: CompleteBlock, polRound = -1): void {
    this.feed({ type: "proposal", proposal: proposal(proposerOf(round), round, b.blockId, polRound) });
    this.feed({ type: "blockComplete", height: 1n, block: b });
  }

  /** The votes this node broadcast, as "round:type:block-name-or-nil". */
  sent(names: Record<string, CompleteBlock>): string[] {
    const nameOf = (id: BlockID) =>
      Object.entries(names).find(([, b]) => Buffer.from(b.blockId.hash).equals(Buffer.from(id.hash)))?.[0] ??
      (id.hash.length === 0 ? "nil" : "?");
    return this.actions.flatMap((a) =>
      a.type === "broadcastVote"
        ? [`${a.vote.round}:${a.vote.type === PREVOTE ? "prevote" : "precommit"}:${nameOf(a.vote.blockId)}`]
        : [],
    );
  }

  of<K extends ConsensusAction["type"]>(type: K): Extract<ConsensusAction, { type: K }>[] {
    return this.actions.filter((a): a is Extract<ConsensusAction, { type: K }> => a.type === type);
  }
}
