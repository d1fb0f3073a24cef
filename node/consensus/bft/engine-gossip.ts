// Gossipsub settings for the BFT engine: the consensus topics' options with a short seen-cache
// window, so that the engine's periodic re-broadcast of the same bytes (own votes, the current
// proposal and its parts) is not dropped as a duplicate by publishers and receivers for minutes.
import type { GossipsubOpts } from "@libp2p/gossipsub";
import { consensusGossipsubOptions } from "../../p2p/consensus-gossip.js";

/** Default seen-cache window: a little over the default re-broadcast interval. */
export const DEFAULT_SEEN_TTL_MS = 1500;

export function bftGossipsubOptions(
  chainId: string,
  seenTtlMs = DEFAULT_SEEN_TTL_MS,
): Partial<GossipsubOpts> {
  return { ...consensusGossipsubOptions(chainId), seenTTL: seenTtlMs };
}
