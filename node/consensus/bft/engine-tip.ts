// What the BFT engine knows of the chain below the height it is deciding (the parts of CometBFT's
// sm.State it needs): validator sets (last, current, next), the last block's ID, time and commit,
// app hash and results hash. Loaded from the stores at start, advanced after each executed block.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import type { BlockID, Commit } from "cosmjs-types/tendermint/types/types";
import type { Application, ValidatorUpdate } from "../../app/application.js";
import type { GenesisDoc } from "../../genesis/genesis-doc.js";
import type { BlockStore } from "../../store/block-store.js";
import { consensusParamsHash, resultsHash, zeroBlockId } from "../../types/block.js";
import type { BlockValidationState } from "./validate-block.js";
import type { ValidatorHistory } from "./validator-history.js";
import type { ValidatorSet } from "./validator-set.js";

export interface ChainTip {
  /** The height being decided. */
  height: bigint;
  /** This height's set (round 0 priorities). */
  validators: ValidatorSet;
  /** The next height's set (known two heights ahead: the header's next_validators_hash). */
  nextValidators: ValidatorSet;
  /** The set that signed the previous block's commit (undefined at the initial height). */
  lastValidators?: ValidatorSet;
  lastBlockId: BlockID;
  lastBlockTime: Timestamp;
  /** The commit of the previous block (the state machine prefers its own +2/3 precommits). */
  lastCommit?: Commit;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
}

/** The tip after start-up (the handshake has brought the app to the block store's height). */
export async function loadChainTip(
  genesis: GenesisDoc,
  app: Application,
  blockStore: BlockStore,
  history: ValidatorHistory,
): Promise<ChainTip> {
  const storeHeight = blockStore.height;
  const appHash = app.info().lastBlockAppHash;
  const height = storeHeight < genesis.initialHeight ? genesis.initialHeight : storeHeight + 1n;
  const set = async (h: bigint) => {
    const s = await history.load(h);
    if (s === undefined) throw new Error(`no validator set stored for height ${h}`);
    return s;
  };
  const validators = await set(height);
  const nextValidators = await set(height + 1n);
  if (height === genesis.initialHeight) {
    return {
      height,
      validators,
      nextValidators,
      lastBlockId: zeroBlockId(),
      lastBlockTime: genesis.genesisTime,
      appHash,
      lastResultsHash: resultsHash([]),
    };
  }
  const stored = await blockStore.block(storeHeight);
  const commit = await blockStore.seenCommit(storeHeight);
  const results = await blockStore.results(storeHeight);
  if (!stored || !commit || !results) {
    throw new Error(`block store lacks block, commit or results of height ${storeHeight}`);
  }
  return {
    height,
    validators,
    nextValidators,
    lastValidators: await set(storeHeight),
    lastBlockId: stored.blockId,
    lastBlockTime: stored.block.header!.time!,
    lastCommit: commit,
    appHash,
    lastResultsHash: resultsHash(results.txResults),
  };
}

/** The tip after executing tip.height's block, whose FinalizeBlock answered `results`. */
export function advanceTip(
  tip: ChainTip,
  decided: { blockId: BlockID; time: Timestamp },
  results: ResponseFinalizeBlock,
  nextNext: ValidatorSet,
  /** The commit that decided the block: the next proposal's LastCommit when this node's own
   *  precommits of the height are not at hand (a block applied by block sync). */
  commit: Commit,
): ChainTip {
  return {
    height: tip.height + 1n,
    validators: tip.nextValidators,
    nextValidators: nextNext,
    lastValidators: tip.validators,
    lastBlockId: decided.blockId,
    lastBlockTime: decided.time,
    lastCommit: commit,
    appHash: results.appHash,
    lastResultsHash: resultsHash(results.txResults),
  };
}

/** The updates of a FinalizeBlock response in the application's form. */
export function updatesOf(results: ResponseFinalizeBlock): ValidatorUpdate[] {
  return results.validatorUpdates.map((u) => {
    const pubKey = u.pubKey?.ed25519;
    if (pubKey === undefined || pubKey.length !== 32)
      throw new Error("validator update without an ed25519 key");
    return { pubKey, power: u.power };
  });
}

/** The state validateBlock checks a block of tip.height against. */
export function validationState(genesis: GenesisDoc, tip: ChainTip): BlockValidationState {
  return {
    chainId: genesis.chainId,
    initialHeight: genesis.initialHeight,
    lastBlockHeight: tip.height > genesis.initialHeight ? tip.height - 1n : 0n,
    lastBlockId: tip.lastBlockId,
    lastBlockTime: tip.lastBlockTime,
    validators: tip.validators.validators,
    nextValidators: tip.nextValidators.validators,
    lastValidators: tip.lastValidators?.validators ?? [],
    consensusParamsHash: consensusParamsHash(genesis.maxBytes, genesis.maxGas),
    appHash: tip.appHash,
    lastResultsHash: tip.lastResultsHash,
    genesisTime: genesis.genesisTime,
  };
}
