// What the BFT engine knows of the chain below the height it is deciding (the parts of CometBFT's
// sm.State it needs): validator sets, the last block's ID, time and commit, app hash and results
// hash. Loaded from the block store at start, advanced after each executed block.
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { BlockID, Commit } from "cosmjs-types/tendermint/types/types";
import type { Application } from "../../app/application.js";
import type { GenesisDoc } from "../../genesis/genesis-doc.js";
import type { BlockStore } from "../../store/block-store.js";
import { consensusParamsHash, resultsHash, zeroBlockId } from "../../types/block.js";
import type { BlockValidationState } from "./validate-block.js";
import { ValidatorSet } from "./validator-set.js";

export interface ChainTip {
  /** The height being decided. */
  height: bigint;
  /** This height's set (round 0 priorities). */
  validators: ValidatorSet;
  /** The set that signed the previous block's commit (undefined at the initial height). */
  lastValidators?: ValidatorSet;
  lastBlockId: BlockID;
  lastBlockTime: Timestamp;
  /** The stored commit of the previous block (start-up only: later heights use the votes). */
  lastCommit?: Commit;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
}

/**
 * The tip after start-up (the handshake has brought the app to the block store's height).
 * Validator sets are static (genesis): the set of height h is the genesis set incremented once per
 * height after the initial one.
 */
export async function loadChainTip(
  genesis: GenesisDoc,
  app: Application,
  blockStore: BlockStore,
): Promise<ChainTip> {
  const genesisSet = ValidatorSet.create(genesis.validators);
  const storeHeight = blockStore.height;
  const appHash = app.info().lastBlockAppHash;
  if (storeHeight < genesis.initialHeight) {
    return {
      height: genesis.initialHeight,
      validators: genesisSet,
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
  const decided = Number(storeHeight - genesis.initialHeight + 1n);
  const lastValidators = decided === 1 ? genesisSet : genesisSet.incremented(decided - 1);
  return {
    height: storeHeight + 1n,
    validators: genesisSet.incremented(decided),
    lastValidators,
    lastBlockId: stored.blockId,
    lastBlockTime: stored.block.header!.time!,
    lastCommit: commit,
    appHash,
    lastResultsHash: resultsHash(results.txResults),
  };
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
    nextValidators: tip.validators.validators,
    lastValidators: tip.lastValidators?.validators ?? [],
    consensusParamsHash: consensusParamsHash(genesis.maxBytes, genesis.maxGas),
    appHash: tip.appHash,
    lastResultsHash: tip.lastResultsHash,
    genesisTime: genesis.genesisTime,
  };
}
