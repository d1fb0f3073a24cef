// A file-backed validator signer (CometBFT v0.38 privval/file.go FilePV): the key file plus
// priv_validator_state.json, the last height/round/step signed. The state is written atomically
// (temp file, fsync, rename) before a signature is handed out, so a restart never double-signs.
import { existsSync, readFileSync } from "node:fs";
import type { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import type { Ed25519Key } from "../../types/ed25519.js";
import { signEd25519 } from "../../types/ed25519.js";
import { keyFromJson } from "../../types/keyfile.js";
import { GO_ZERO_TIME } from "../../types/time.js";
import {
  proposalSignBytes,
  SIGNED_MSG_TYPE_PRECOMMIT,
  SIGNED_MSG_TYPE_PREVOTE,
  type SignableProposal,
  type SignableVote,
  voteSignBytes,
} from "../../types/vote.js";
import type { Signer } from "./messages.js";
import {
  type LastSignState,
  lastSignStateFromJson,
  lastSignStateToJson,
  STEP_PRECOMMIT,
  STEP_PREVOTE,
  STEP_PROPOSE,
  writeFileAtomicSync,
} from "./privval-state.js";
import { timestampFromSignBytes } from "./sign-bytes.js";

export type SignResult =
  | { ok: true; signature: Uint8Array; timestamp: Timestamp }
  | { ok: false; error: string };

function readJson(path: string, what: string): unknown {
  const text = readFileSync(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what} ${path}: invalid JSON: ${(err as Error).message}`);
  }
}

const voteStep = (type: number): number | undefined =>
  type === SIGNED_MSG_TYPE_PREVOTE
    ? STEP_PREVOTE
    : type === SIGNED_MSG_TYPE_PRECOMMIT
      ? STEP_PRECOMMIT
      : undefined;

export class FilePV implements Signer {
  readonly pubKey: Uint8Array;
  readonly address: Uint8Array;
  private state: LastSignState;
  /** Why the last refused signVote/signProposal was refused. */
  lastError: string | undefined;

  private constructor(
    private readonly key: Ed25519Key,
    readonly stateFilePath: string,
    state: LastSignState,
  ) {
    this.pubKey = key.pubKey;
    this.address = key.address;
    this.state = state;
  }

  /** Loads priv_validator_key.json and priv_validator_state.json; both must exist and be valid. */
  static load(keyFilePath: string, stateFilePath: string): FilePV {
    const key = keyFromJson(readJson(keyFilePath, "key file"));
    return FilePV.fromKey(key, stateFilePath, false);
  }

  /** Uses `key` with the state at `stateFilePath`; a missing file is created at height 0 if allowed. */
  static fromKey(key: Ed25519Key, stateFilePath: string, createIfMissing = true): FilePV {
    if (!existsSync(stateFilePath)) {
      if (!createIfMissing) throw new Error(`priv validator state ${stateFilePath}: file does not exist`);
      const pv = new FilePV(key, stateFilePath, { height: 0n, round: 0, step: 0 });
      pv.save(pv.state);
      return pv;
    }
    const state = lastSignStateFromJson(readJson(stateFilePath, "priv validator state"), stateFilePath);
    return new FilePV(key, stateFilePath, state);
  }

  get lastSignState(): Readonly<LastSignState> {
    return this.state;
  }

  /** Signs a vote, or explains why not. On a timestamp-only re-sign, returns the old timestamp. */
  trySignVote(chainId: string, vote: SignableVote): SignResult {
    const step = voteStep(vote.type);
    if (step === undefined) return { ok: false, error: `unknown vote type ${vote.type}` };
    return this.sign(vote.height, vote.round, step, vote.timestamp, (timestamp) =>
      voteSignBytes(chainId, { ...vote, timestamp }),
    );
  }

  trySignProposal(chainId: string, proposal: SignableProposal): SignResult {
    return this.sign(proposal.height, proposal.round, STEP_PROPOSE, proposal.timestamp, (timestamp) =>
      proposalSignBytes(chainId, { ...proposal, timestamp }),
    );
  }

  /** Signer: like CometBFT, a reused signature also sets the vote's timestamp to the signed one. */
  signVote(chainId: string, vote: SignableVote): Uint8Array | undefined {
    return this.adopt(vote, this.trySignVote(chainId, vote));
  }

  signProposal(chainId: string, proposal: SignableProposal): Uint8Array | undefined {
    return this.adopt(proposal, this.trySignProposal(chainId, proposal));
  }

  private adopt(msg: { timestamp?: Timestamp }, r: SignResult): Uint8Array | undefined {
    if (!r.ok) {
      this.lastError = r.error;
      return undefined;
    }
    this.lastError = undefined;
    msg.timestamp = r.timestamp;
    return r.signature;
  }

  /** FilePVLastSignState.CheckHRS plus the same-HRS rules of signVote/signProposal. */
  private sign(
    height: bigint,
    round: number,
    step: number,
    timestamp: Timestamp | undefined,
    bytesAt: (ts: Timestamp) => Uint8Array,
  ): SignResult {
    const last = this.state;
    const ts = timestamp ?? { ...GO_ZERO_TIME };
    const signBytes = bytesAt(ts);
    if (last.height > height) return refuse(`height regression. Got ${height}, last height ${last.height}`);
    if (last.height === height) {
      if (last.round > round) {
        return refuse(`round regression at height ${height}. Got ${round}, last round ${last.round}`);
      }
      if (last.round === round) {
        if (last.step > step) {
          return refuse(
            `step regression at height ${height} round ${round}. Got ${step}, last step ${last.step}`,
          );
        }
        if (last.step === step) return this.resign(last, signBytes, ts, step, bytesAt);
      }
    }
    const signature = signEd25519(this.key, signBytes);
    const next: LastSignState = { height, round, step, signature, signBytes };
    try {
      this.save(next);
    } catch (err) {
      return refuse(`could not persist last sign state: ${(err as Error).message}`);
    }
    this.state = next;
    return { ok: true, signature, timestamp: ts };
  }

  private resign(
    last: LastSignState,
    signBytes: Uint8Array,
    ts: Timestamp,
    step: number,
    bytesAt: (ts: Timestamp) => Uint8Array,
  ): SignResult {
    if (last.signBytes === undefined || last.signBytes.length === 0 || last.signature === undefined) {
      return refuse("no SignBytes found");
    }
    const lastBytes = Buffer.from(last.signBytes);
    if (lastBytes.equals(signBytes)) return { ok: true, signature: last.signature, timestamp: ts };
    // checkVotesOnlyDifferByTimestamp / checkProposalsOnlyDifferByTimestamp
    const lastTs = timestampFromSignBytes(last.signBytes, step === STEP_PROPOSE ? 6 : 5);
    if (lastTs !== undefined && lastBytes.equals(bytesAt(lastTs))) {
      return { ok: true, signature: last.signature, timestamp: lastTs };
    }
    return refuse(
      `conflicting data: refusing to double-sign at height ${last.height} round ${last.round} step ${step}`,
    );
  }

  private save(state: LastSignState): void {
    writeFileAtomicSync(this.stateFilePath, JSON.stringify(lastSignStateToJson(state), null, 2));
  }
}

const refuse = (error: string): SignResult => ({ ok: false, error });
