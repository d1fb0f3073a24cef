// Building this node's proposal block (createBlock) and checking a received one (needBlock /
// proposal parts): CometBFT's CreateProposalBlock and ValidateBlock + ProcessProposal.
import type { Block } from "cosmjs-types/tendermint/types/block";
import type { Commit } from "cosmjs-types/tendermint/types/types";
import type { Application } from "../../app/application.js";
import type { GenesisDoc } from "../../genesis/genesis-doc.js";
import type { Mempool } from "../../mempool/mempool.js";
import { blockId as computeBlockId, evidenceBytes } from "../../types/block.js";
import { makePartSet, type PartSet } from "../../types/part-set.js";
import { type BuiltBlock, buildBlock, emptyCommit } from "../block-builder.js";
import type { ChainTip } from "./engine-tip.js";
import { validationState } from "./engine-tip.js";
import type { EvidencePool } from "./evidence-pool.js";
import { medianTime } from "./median-time.js";
import { validateBlock } from "./validate-block.js";

/** Room left in a block for the header, commit and protobuf framing. */
const BLOCK_OVERHEAD_BYTES = 16_384n;

export interface ProposalDeps {
  genesis: GenesisDoc;
  app: Application;
  mempool: Mempool;
  evidence: EvidencePool;
  proposerAddress: Uint8Array;
}

/** Most bytes of a block given to evidence (CometBFT's evidence max_bytes default). */
const MAX_EVIDENCE_BYTES = 1_048_576;

/** The block to propose at tip.height on lastCommit: mempool txs via PrepareProposal, BFT time. */
export function createProposalBlock(
  deps: ProposalDeps,
  tip: ChainTip,
  lastCommit: Commit,
): BuiltBlock & { partSet: PartSet } {
  const { genesis, app, mempool } = deps;
  const initial = tip.height === genesis.initialHeight;
  const commit = initial ? emptyCommit() : lastCommit;
  const time =
    initial || tip.lastValidators === undefined
      ? genesis.genesisTime
      : medianTime(commit, tip.lastValidators.validators);
  const evidence = deps.evidence.forProposal(MAX_EVIDENCE_BYTES);
  // Each piece is framed twice (Evidence oneof, EvidenceList entry): 16 bytes covers both.
  const evidenceSize = evidence.reduce((n, e) => n + evidenceBytes(e)!.length + 16, 0);
  const maxTxBytes = Number(genesis.maxBytes - BLOCK_OVERHEAD_BYTES) - evidenceSize;
  const txs = app.prepareProposal(mempool.reap(maxTxBytes), maxTxBytes);
  const built = buildBlock({
    chainId: genesis.chainId,
    height: tip.height,
    time,
    lastBlockId: initial ? undefined : tip.lastBlockId,
    lastCommit: commit,
    txs,
    evidence,
    validators: tip.validators.validators,
    nextValidators: tip.nextValidators.validators,
    maxBytes: genesis.maxBytes,
    maxGas: genesis.maxGas,
    appHash: tip.appHash,
    lastResultsHash: tip.lastResultsHash,
    proposerAddress: deps.proposerAddress,
  });
  return { ...built, partSet: makePartSet(built.bytes) };
}

/** ValidateBlock + ProcessProposal of a fully received block; the reason when invalid. */
export function checkReceivedBlock(
  deps: Pick<ProposalDeps, "genesis" | "app" | "evidence">,
  tip: ChainTip,
  block: Block,
  expectedHash: Uint8Array,
): string | undefined {
  if (block.header === undefined) return "block has no header";
  if (!Buffer.from(computeBlockId(block).hash).equals(Buffer.from(expectedHash))) {
    return "block hash does not match its block ID";
  }
  const valid = validateBlock(validationState(deps.genesis, tip), block);
  if (!valid.ok) return valid.error;
  const badEvidence = deps.evidence.checkBlock(block);
  if (badEvidence !== undefined) return `wrong Evidence: ${badEvidence}`;
  if (!deps.app.processProposal(block.data?.txs ?? [])) return "ProcessProposal rejected the block";
  return undefined;
}
