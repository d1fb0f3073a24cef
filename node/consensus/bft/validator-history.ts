// The validator set of each height, as CometBFT's state store keeps it: the set of height h+2 is
// known once block h is executed (the block's validator updates apply two heights later), so it is
// written in block h's atomic batch. The sets of the initial height and the one after come from the
// genesis document. Sets are stored with their proposer priorities, so a restarted node picks the
// same proposers; the RPC `validators` method and the light client read them too.
import { ValidatorSet as ProtoValidatorSet } from "cosmjs-types/tendermint/types/validator";
import type { ValidatorUpdate } from "../../app/application.js";
import type { GenesisDoc } from "../../genesis/genesis-doc.js";
import { type BatchOps, type Db, DbPrefix, prefixed, u64be } from "../../store/db.js";
import { pubKeyToAddress } from "../../types/ed25519.js";
import { validatorFromProto, validatorToProto } from "../../types/validator.js";
import { ValidatorSet } from "./validator-set.js";

export class ValidatorHistory {
  private readonly genesisSet: ValidatorSet;

  constructor(
    private readonly db: Db,
    private readonly genesis: GenesisDoc,
  ) {
    this.genesisSet = ValidatorSet.create(genesis.validators);
  }

  /** The set that decides `height`, or undefined if it is not known (yet). */
  async load(height: bigint): Promise<ValidatorSet | undefined> {
    const initial = this.genesis.initialHeight;
    if (height < initial) return undefined;
    if (height === initial) return this.genesisSet;
    if (height === initial + 1n) return this.genesisSet.incremented(1);
    const raw = await this.db.get(prefixed(DbPrefix.ValidatorSet, u64be(height)));
    if (raw === undefined) return undefined;
    const proto = ProtoValidatorSet.decode(raw);
    return ValidatorSet.fromState(proto.validators.map(validatorFromProto), proto.proposer?.address);
  }

  saveOps(height: bigint, set: ValidatorSet): BatchOps {
    const proto = ProtoValidatorSet.encode({
      validators: set.validators.map(validatorToProto),
      proposer: validatorToProto(set.proposer),
      totalVotingPower: set.totalVotingPower,
    }).finish();
    return [{ type: "put", key: prefixed(DbPrefix.ValidatorSet, u64be(height)), value: proto }];
  }
}

/**
 * The set of height h+2 from the set of h+1 and the updates returned by block h's FinalizeBlock
 * (CometBFT's updateState: UpdateWithChangeSet, then one proposer increment).
 */
export function nextValidatorSet(next: ValidatorSet, updates: readonly ValidatorUpdate[]): ValidatorSet {
  const changes = updates.map((u) => ({
    address: pubKeyToAddress(u.pubKey),
    pubKey: u.pubKey,
    votingPower: u.power,
  }));
  return next.withChanges(changes).incremented(1);
}
