// Persistent peers (CometBFT p2p.persistent_peers): multiaddrs ending in /p2p/<peer id> that the
// node dials after start and re-dials in the background whenever it is not connected to them.
import { peerIdFromString } from "@libp2p/peer-id";
import { multiaddr } from "@multiformats/multiaddr";
import type { Logger } from "../logger.js";
import type { P2PHost } from "./host.js";

const PEER_ADDR = /^\/ip[46]\/[^/]+\/tcp\/\d{1,5}\/p2p\/([1-9A-HJ-NP-Za-km-z]+)$/;

/** Checks one persistent peer address and returns its peer id; throws a message naming the flag. */
export function checkPeerAddr(addr: string, flag = "--p2p.persistent_peers"): string {
  const m = PEER_ADDR.exec(addr);
  if (!m) {
    throw new Error(
      `${flag}: "${addr}" must look like /ip4/127.0.0.1/tcp/26656/p2p/<peer id> (comma-separated for several)`,
    );
  }
  try {
    peerIdFromString(m[1]!);
  } catch {
    throw new Error(`${flag}: "${m[1]}" in "${addr}" is not a valid libp2p peer id`);
  }
  return m[1]!;
}

/** Splits and checks a comma-separated list ("" gives none). */
export function parsePersistentPeers(list: string, flag = "--p2p.persistent_peers"): string[] {
  const addrs = list
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
  for (const a of addrs) checkPeerAddr(a, flag);
  return addrs;
}

export class PersistentPeers {
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private readonly peers: { addr: string; peerId: string; dialing: boolean; failures: number }[];

  constructor(
    private readonly host: P2PHost,
    addrs: string[],
    private readonly logger?: Logger,
    private readonly intervalMs = 1000,
  ) {
    this.peers = addrs
      .map((addr) => ({ addr, peerId: checkPeerAddr(addr), dialing: false, failures: 0 }))
      .filter((p) => p.peerId !== host.peerId);
  }

  start(): void {
    if (!this.stopped || this.peers.length === 0) return;
    this.stopped = false;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private tick(): void {
    if (this.stopped) return;
    const connected = new Set(this.host.libp2p.getConnections().map((c) => c.remotePeer.toString()));
    for (const p of this.peers) {
      if (p.dialing || connected.has(p.peerId)) continue;
      p.dialing = true;
      this.host.libp2p
        .dial(multiaddr(p.addr))
        .then(
          () => {
            if (!this.stopped) this.logger?.info({ peer: p.addr }, "connected to persistent peer");
            p.failures = 0;
          },
          (err: Error) => {
            p.failures++;
            // Peers often start a little later: log the first failure and then every 30th.
            if (!this.stopped && (p.failures === 1 || p.failures % 30 === 0)) {
              this.logger?.debug(
                { peer: p.addr, err: err.message, tries: p.failures },
                "dial failed; retrying",
              );
            }
          },
        )
        .finally(() => {
          p.dialing = false;
        });
    }
  }
}
