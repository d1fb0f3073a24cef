// Verified queries: a store key's value (or absence) at height H, accepted only when its ICS23
// proof leads to the app_hash of the header at H+1, itself verified by the light client.
import { balanceKey } from "../modules/bank/keys.js";
import { parseAddress } from "../node/app/address.js";
import type { LightClient } from "./client.js";
import { InvalidProofError, LightOptionsError, ProviderError } from "./errors.js";
import { verifyStoreProof } from "./proof.js";
import type { RpcProvider } from "./provider.js";

export interface VerifiedValue {
  /** The state height the value belongs to. */
  height: bigint;
  /** undefined: proven absent. */
  value: Uint8Array | undefined;
  /** App hash of the verified header at height + 1 the proof was checked against. */
  appHash: Uint8Array;
}

/**
 * Queries `key` in store `storeName` with prove=true and checks the answer. Without a height it
 * uses the newest state whose next header exists: latest − 1 (the SDK refuses proofs at height ≤ 1).
 */
export async function verifiedStoreQuery(
  client: LightClient,
  provider: Pick<RpcProvider, "abciQuery" | "status">,
  storeName: string,
  key: Uint8Array,
  height?: bigint,
): Promise<VerifiedValue> {
  if (!/^[a-z][a-z0-9_]*$/.test(storeName)) throw new LightOptionsError(`invalid store name "${storeName}"`);
  if (key.length === 0) throw new LightOptionsError("store key must not be empty");
  let h = height;
  if (h === undefined) {
    const { latestHeight } = await provider.status();
    h = latestHeight - 1n;
  }
  if (h < 2n) throw new LightOptionsError(`proofs need a state height ≥ 2, got ${h} (wait for a few blocks)`);
  const header = (await client.verifyTo(h + 1n)).header;
  const answer = await provider.abciQuery(`/store/${storeName}/key`, key, h, true);
  if (answer.code !== 0) throw new ProviderError(`abci_query failed with code ${answer.code}: ${answer.log}`);
  if (answer.height !== h)
    throw new InvalidProofError(`asked for height ${h}, the answer is for height ${answer.height}`);
  const value = answer.value.length > 0 ? answer.value : undefined;
  verifyStoreProof(answer.proofOps, header.appHash, storeName, key, value);
  return { height: h, value, appHash: header.appHash };
}

/** A verified bank balance (0 when proven absent), as cosmjs's getBalance reports it. */
export async function verifiedBalance(
  client: LightClient,
  provider: Pick<RpcProvider, "abciQuery" | "status">,
  address: string,
  denom: string,
  height?: bigint,
): Promise<{ amount: bigint; denom: string; height: bigint; appHash: Uint8Array }> {
  if (!/^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/.test(denom))
    throw new LightOptionsError(`invalid denom "${denom}"`);
  const addr = parseAddress(address);
  const r = await verifiedStoreQuery(client, provider, "bank", balanceKey(addr, denom), height);
  let amount = 0n;
  if (r.value !== undefined) {
    const text = new TextDecoder().decode(r.value);
    if (!/^\d+$/.test(text)) throw new InvalidProofError(`proven balance value "${text}" is not an amount`);
    amount = BigInt(text);
  }
  return { amount, denom, height: r.height, appHash: r.appHash };
}
