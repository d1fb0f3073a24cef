// A stub Application for the ABCI server tests: records the calls it gets (in order) and the
// requests it was handed; commit can be made slow and checkTx made to throw.
import type { Application } from "../../node/app/application.js";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until cond() holds (10 s at most). */
export async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached in 10 s");
    await sleep(2);
  }
}

export class StubApp implements Application {
  log: string[] = [];
  commitDelayMs = 0;
  throwOnCheckTx = false;
  info() {
    this.log.push("info");
    return { lastBlockHeight: 7n, lastBlockAppHash: Uint8Array.of(1, 2), appVersion: 3n, version: "stub" };
  }
  query(req: { path: string }) {
    this.log.push(`query ${req.path}`);
    const empty = new Uint8Array(0);
    return { code: 0, codespace: "", log: "", info: "", index: 0n, key: empty, value: empty, height: 7n };
  }
  checkTx(tx: Uint8Array) {
    this.log.push(`checkTx ${tx.length}`);
    if (this.throwOnCheckTx) throw new Error("boom");
    return {
      code: 0,
      data: new Uint8Array(0),
      log: "",
      info: "",
      gasWanted: 1n,
      gasUsed: 1n,
      events: [],
      codespace: "",
    };
  }
  seen: Record<string, unknown> = {};
  async initChain(req: unknown) {
    this.log.push("initChain");
    this.seen.initChain = req;
    return { appHash: new Uint8Array(32), validators: [{ pubKey: new Uint8Array(32).fill(7), power: 3n }] };
  }
  prepareProposal(txs: Uint8Array[]) {
    return txs;
  }
  processProposal() {
    return true;
  }
  finalizeBlock(req: unknown) {
    this.log.push("finalizeBlock");
    this.seen.finalizeBlock = req;
    return {
      txResults: [],
      events: [],
      appHash: new Uint8Array(32),
      validatorUpdates: [{ pubKey: new Uint8Array(32).fill(8), power: 0n }],
    };
  }
  async commit() {
    this.log.push("commit:start");
    await sleep(this.commitDelayMs);
    this.log.push("commit:end");
  }
}
