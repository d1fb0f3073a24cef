// One call to get a stock SigningStargateClient that knows this chain's messages, and a
// QueryClient with the bank, staking, datanets, models, attribution and settlement extensions over
// the same CometBFT connection.
import type { OfflineSigner } from "@cosmjs/proto-signing";
import {
  type AuthExtension,
  type BankExtension,
  GasPrice,
  QueryClient,
  SigningStargateClient,
  type SigningStargateClientOptions,
  type StakingExtension,
  setupAuthExtension,
  setupBankExtension,
  setupStakingExtension,
  setupTxExtension,
  type TxExtension,
} from "@cosmjs/stargate";
import { type CometClient, connectComet, type HttpEndpoint } from "@cosmjs/tendermint-rpc";
import { type AttributionExtension, setupAttributionExtension } from "./attribution-queries.js";
import { type DatanetsExtension, setupDatanetsExtension } from "./datanets-queries.js";
import { type ModelsExtension, setupModelsExtension } from "./models-queries.js";
import { openledgerRegistry } from "./registry.js";
import { type SettlementExtension, setupSettlementExtension } from "./settlement-queries.js";

/** The dev chain's constants (README). */
export const OPENLEDGER = {
  chainId: "openledger-dev-1",
  prefix: "open",
  denom: "uopen",
  /** The minimum gas price the node accepts. */
  gasPrice: "0.025uopen",
} as const;

export type OpenledgerQueryClient = QueryClient &
  AuthExtension &
  BankExtension &
  TxExtension &
  StakingExtension &
  DatanetsExtension &
  ModelsExtension &
  AttributionExtension &
  SettlementExtension;

/** QueryClient.withExtensions(cometClient, auth, bank, tx, staking, datanets, models, attribution, settlement). */
export function openledgerQueryClient(cometClient: CometClient): OpenledgerQueryClient {
  return QueryClient.withExtensions(
    cometClient,
    setupAuthExtension,
    setupBankExtension,
    setupTxExtension,
    setupStakingExtension,
    setupDatanetsExtension,
    setupModelsExtension,
    setupAttributionExtension,
    setupSettlementExtension,
  );
}

export interface OpenledgerClients {
  /** A stock SigningStargateClient with openledgerRegistry(): signAndBroadcast(addr, [msg], "auto"). */
  readonly signing: SigningStargateClient;
  readonly query: OpenledgerQueryClient;
  readonly cometClient: CometClient;
  disconnect(): void;
}

/**
 * Connects to a node's RPC. Options are SigningStargateClient's; the registry defaults to
 * openledgerRegistry() and the gas price to the chain's minimum (0.025uopen), so fee "auto" works.
 */
export async function connectOpenledger(
  endpoint: string | HttpEndpoint,
  signer: OfflineSigner,
  options: SigningStargateClientOptions = {},
): Promise<OpenledgerClients> {
  const cometClient = await connectComet(endpoint);
  const signing = SigningStargateClient.createWithSigner(cometClient, signer, {
    registry: openledgerRegistry(),
    gasPrice: GasPrice.fromString(OPENLEDGER.gasPrice),
    ...options,
  });
  return {
    signing,
    query: openledgerQueryClient(cometClient),
    cometClient,
    disconnect: () => signing.disconnect(),
  };
}

/** Read-only: the query client alone. */
export async function connectOpenledgerQuery(
  endpoint: string | HttpEndpoint,
): Promise<{ query: OpenledgerQueryClient; cometClient: CometClient; disconnect(): void }> {
  const cometClient = await connectComet(endpoint);
  return {
    query: openledgerQueryClient(cometClient),
    cometClient,
    disconnect: () => cometClient.disconnect(),
  };
}
