// A validator's key used twice: the test process joins the network as a libp2p peer and publishes
// two different prevotes for one height and round, both signed with a validator's own key file (as
// when an operator runs two nodes on one priv_validator_key.json).
import { bftGossipsubOptions } from "../../node/consensus/bft/engine-gossip.js";
import { ConsensusGossip, connect } from "../../node/p2p/consensus-gossip.js";
import { type P2PHost, startP2PHost } from "../../node/p2p/host.js";
import { type Ed25519Key, generateKey, pubKeyToAddress } from "../../node/types/ed25519.js";
import { readPrivValidatorKey } from "../../node/types/keyfile.js";
import { nowTimestamp } from "../../node/types/time.js";
import { SIGNED_MSG_TYPE_PREVOTE, signVote } from "../../node/types/vote.js";

export class DoubleSigner {
  private constructor(
    private readonly host: P2PHost,
    private readonly gossip: ConsensusGossip,
    private readonly chainId: string,
    private readonly key: Ed25519Key,
  ) {}

  /** Joins through `peer` (a multiaddr with /p2p/<id>) with the key in `keyFile`. */
  static async join(chainId: string, keyFile: string, peer: string): Promise<DoubleSigner> {
    const key = await readPrivValidatorKey(keyFile);
    const host = await startP2PHost("/ip4/127.0.0.1/tcp/0", generateKey(), {
      gossipsub: bftGossipsubOptions(chainId),
    });
    const ignore = async () => "ignore" as const;
    const gossip = new ConsensusGossip(host, chainId, {
      onProposal: ignore,
      onBlockPart: ignore,
      onVote: ignore,
      onEvidence: ignore,
    });
    gossip.start();
    await connect(host, peer);
    await gossip.waitForPeers(1, 15_000);
    return new DoubleSigner(host, gossip, chainId, key);
  }

  get address(): Uint8Array {
    return pubKeyToAddress(this.key.pubKey);
  }

  /** Two prevotes for different blocks at (height, round 0). */
  async equivocate(height: bigint, validatorIndex: number): Promise<void> {
    for (const fill of [0x11, 0x22]) {
      const vote = {
        type: SIGNED_MSG_TYPE_PREVOTE,
        height,
        round: 0,
        blockId: {
          hash: new Uint8Array(32).fill(fill),
          partSetHeader: { total: 1, hash: new Uint8Array(32).fill(fill) },
        },
        timestamp: nowTimestamp(),
        validatorAddress: this.address,
        validatorIndex,
        signature: new Uint8Array(0),
        extension: new Uint8Array(0),
        extensionSignature: new Uint8Array(0),
      };
      await this.gossip.publishVote({ ...vote, signature: signVote(this.chainId, vote, this.key) });
    }
  }

  async stop(): Promise<void> {
    this.gossip.stop();
    await this.host.stop();
  }
}
