// Votes and proposals for heights above the one being decided: the next couple of heights are
// buffered (bounded) until their height starts; far beyond every height a peer has reported they
// are refused, since no honest node can be there.
import type { Proposal, Vote } from "cosmjs-types/tendermint/types/types";

export type AheadMessage = { type: "vote"; vote: Vote } | { type: "proposal"; proposal: Proposal };

/** Messages at most this many heights ahead are kept until their height starts. */
export const FUTURE_HEIGHTS = 2n;
/**
 * A message this far above both the height being decided and the highest height a peer reported
 * (block sync statuses) is rejected. The margin covers statuses a few seconds old.
 */
export const FAR_OFF_HEIGHTS = 10n;
/** Peer heights older than this (local clock, not consensus state) are not trusted to reject. */
const PEER_HEIGHT_FRESH_MS = 5000;
const MAX_BUFFERED = 2000;

export const heightOf = (m: AheadMessage): bigint => (m.type === "vote" ? m.vote.height : m.proposal.height);

export class AheadMessages {
  private buffered: AheadMessage[] = [];
  private peerHeight = 0n;
  private peerHeightAt = 0;

  /** The peers' height as block sync last measured it (the median of their statuses). */
  notePeerHeight(height: bigint): void {
    this.peerHeight = height;
    this.peerHeightAt = Date.now();
  }

  /**
   * A message above `current`: "rejected" when far off (and peer heights are fresh, so a node that
   * was cut off does not punish honest peers it has not heard from yet), otherwise "ignored" and
   * buffered when near enough.
   */
  offer(msg: AheadMessage, current: bigint): "ignored" | "rejected" {
    const height = heightOf(msg);
    const known = this.peerHeight > current ? this.peerHeight : current;
    const fresh = Date.now() - this.peerHeightAt < PEER_HEIGHT_FRESH_MS;
    if (height > known + FAR_OFF_HEIGHTS && fresh) return "rejected";
    if (height <= current + FUTURE_HEIGHTS && this.buffered.length < MAX_BUFFERED) this.buffered.push(msg);
    return "ignored";
  }

  /** The buffered messages of `height`, in arrival order; earlier ones are dropped. */
  takeFor(height: bigint): AheadMessage[] {
    const now = this.buffered.filter((m) => heightOf(m) === height);
    this.buffered = this.buffered.filter((m) => heightOf(m) > height);
    return now;
  }
}
