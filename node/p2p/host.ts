// The node's libp2p host: TCP, noise encryption, yamux multiplexing, identify and gossipsub,
// with a peer identity derived from the node key (config/node_key.json). With one validator it
// only listens; the consensus issue adds the gossip topics on top of it.
import "./polyfill.js";
import { noise } from "@chainsafe/libp2p-noise";
import { generateKeyPairFromSeed } from "@libp2p/crypto/keys";
import { type GossipsubOpts, gossipsub } from "@libp2p/gossipsub";
import { identify } from "@libp2p/identify";
import { tcp } from "@libp2p/tcp";
import { yamux } from "@libp2p/yamux";
import { createLibp2p, type Libp2p } from "libp2p";
import type { Ed25519Key } from "../types/ed25519.js";

export interface P2PHost {
  peerId: string;
  listenAddrs: string[];
  libp2p: Libp2p;
  stop(): Promise<void>;
}

export interface P2PHostOptions {
  /** Extra gossipsub settings (e.g. consensusGossipsubOptions(chainId) from ./consensus-gossip.js). */
  gossipsub?: Partial<GossipsubOpts>;
}

export async function startP2PHost(
  listen: string,
  nodeKey: Ed25519Key,
  opts: P2PHostOptions = {},
): Promise<P2PHost> {
  const privateKey = await generateKeyPairFromSeed("Ed25519", nodeKey.seed);
  const libp2p = await createLibp2p({
    privateKey,
    addresses: { listen: [listen] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, ...opts.gossipsub }),
    },
  });
  try {
    await libp2p.start();
  } catch (err) {
    const inUse = /EADDRINUSE/.test(String((err as Error).message));
    throw new Error(
      inUse
        ? `cannot listen on p2p address ${listen}: the port is in use (set --p2p.laddr, e.g. /ip4/127.0.0.1/tcp/0)`
        : `cannot start p2p on ${listen}: ${(err as Error).message}`,
    );
  }
  return {
    peerId: libp2p.peerId.toString(),
    listenAddrs: libp2p.getMultiaddrs().map((a) => a.toString()),
    libp2p,
    stop: async () => {
      await libp2p.stop();
    },
  };
}
