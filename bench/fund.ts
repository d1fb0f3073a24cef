// Funding: the dev accounts pay every fresh sender with MsgMultiSend txs, then the senders'
// account numbers and sequences are read back from the node.
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import {
  CHAIN_ID,
  DENOM,
  devSigners,
  feeFor,
  multiSendBody,
  multiSendGas,
  type Signer,
  signTx,
} from "./lib.js";
import type { ChainView } from "./node-process.js";
import { log, opt } from "./options.js";
import type { BroadcastResult, Rpc } from "./rpc.js";

async function loadAccount(rpc: Rpc, s: Signer): Promise<void> {
  const raw = await rpc.abciQuery(
    "/cosmos.auth.v1beta1.Query/Account",
    QueryAccountRequest.encode({ address: s.address }).finish(),
  );
  const acc = BaseAccount.decode(QueryAccountResponse.decode(raw).account!.value);
  s.accountNumber = acc.accountNumber;
  s.sequence = acc.sequence;
}

/** Funds the senders through `rpc` (any node of the chain), following the commits on `node`. */
export async function fund(rpc: Rpc, node: ChainView, senders: Signer[], chainId = CHAIN_ID): Promise<void> {
  const devs = await devSigners();
  for (const d of devs) await loadAccount(rpc, d);
  const perTx = 200;
  const amount = (feeFor(opt.gas) + 2n) * BigInt(Math.ceil(opt.txs / senders.length) + 10);
  const txs: Uint8Array[] = [];
  for (let i = 0, k = 0; i < senders.length; i += perTx, k++) {
    const dev = devs[k % devs.length]!;
    const outs = senders.slice(i, i + perTx).map((o) => o.address);
    txs.push(
      await signTx(
        dev,
        multiSendBody(dev.address, outs, amount),
        multiSendGas(outs.length),
        dev.sequence++,
        chainId,
      ),
    );
  }
  const results = await rpc.batch<BroadcastResult>(
    txs.map((tx) => ({ method: "broadcast_tx_sync", params: { tx: toBase64(tx) } })),
  );
  for (const r of results) if (r.code !== 0) throw new Error(`funding tx refused: ${r.log}`);
  const hashes = new Set(results.map((r) => r.hash));
  log(`funding ${senders.length} accounts with ${amount}${DENOM} each in ${txs.length} MsgMultiSend txs`);
  const from = node.height;
  await node.until(() => node.height >= from + 1, 30_000, "the funding block");
  // Every funding tx must be committed with code 0 before the senders' accounts exist.
  for (let tries = 0; ; tries++) {
    let left = hashes.size;
    for (const h of hashes) {
      try {
        const r = await rpc.call<{ tx_result: { code: number; log: string } }>("tx", {
          hash: Buffer.from(h, "hex").toString("base64"),
        });
        if (r.tx_result.code !== 0) throw new Error(`funding tx failed: ${r.tx_result.log}`);
        left--;
      } catch (err) {
        if ((err as Error).message.startsWith("funding")) throw err;
      }
    }
    if (left === 0) break;
    if (tries > 30) throw new Error("funding txs were not committed");
    const h = node.height;
    await node.until(() => node.height > h, 30_000, "a block");
  }
  const infos = await rpc.batch<{ response: { code: number; value: string | null; log: string } }>(
    senders.map((s) => ({
      method: "abci_query",
      params: {
        path: "/cosmos.auth.v1beta1.Query/Account",
        data: Buffer.from(QueryAccountRequest.encode({ address: s.address }).finish()).toString("hex"),
      },
    })),
  );
  infos.forEach((info, i) => {
    if (info.response.code !== 0) throw new Error(`account ${senders[i]!.address}: ${info.response.log}`);
    const acc = BaseAccount.decode(
      QueryAccountResponse.decode(fromBase64(info.response.value ?? "")).account!.value,
    );
    senders[i]!.accountNumber = acc.accountNumber;
    senders[i]!.sequence = acc.sequence;
  });
}
