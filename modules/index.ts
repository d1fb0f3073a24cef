// The ordered module list and the app they make: the one place modules are wired together.
import type { AnteHandler } from "../node/app/baseapp.js";
import type { Module } from "../node/app/module.js";
import { VerifiedSignatures } from "../node/crypto/secp256k1.js";
import {
  AttributionKeeper,
  attributionModule,
  recordPaidInference,
  stakingView,
} from "./attribution/index.js";
import { AuthKeeper, authModule, newAnteHandler } from "./auth/index.js";
import { BankKeeper, bankModule } from "./bank/index.js";
import { DatanetsKeeper, datanetsModule } from "./datanets/index.js";
import { ModelsKeeper, modelsModule } from "./models/index.js";
import { SettlementKeeper, settlementModule } from "./settlement/index.js";
import { StakingKeeper, stakingModule } from "./staking/index.js";

export interface AppModules {
  modules: Module[];
  ante: AnteHandler;
  /** The ante handler's cache of verified signatures (mempool admission may fill it ahead). */
  signatures: VerifiedSignatures;
  keepers: {
    auth: AuthKeeper;
    bank: BankKeeper;
    staking: StakingKeeper;
    datanets: DatanetsKeeper;
    models: ModelsKeeper;
    attribution: AttributionKeeper;
    settlement: SettlementKeeper;
  };
}

/**
 * Genesis order: auth before bank (bank creates accounts for balances it mints), bank before
 * staking (staking checks its pools' balances) and before datanets (datanets checks its escrow's
 * balance), datanets before models (models checks that the datanet versions it names exist),
 * bank before attribution (attribution checks its escrow's balance), attribution before settlement
 * (a model payment opens an attribution job). Begin/end block run in the
 * same order (attribution's EndBlock sees the validator set staking's EndBlock left); staking
 * alone returns validator updates.
 */
export function buildModules(): AppModules {
  const auth = new AuthKeeper();
  const bank = new BankKeeper(auth);
  const staking = new StakingKeeper(bank);
  const datanets = new DatanetsKeeper(bank);
  const models = new ModelsKeeper(datanets);
  const attribution = new AttributionKeeper(bank, stakingView(staking), datanets, models);
  const settlement = new SettlementKeeper(bank, {
    ownerOf(ctx, modelId, adapterId) {
      return modelId !== 0n ? models.getModel(ctx, modelId)?.owner : models.getAdapter(ctx, adapterId)?.owner;
    },
    recordPaidInference: (ctx, msg) => recordPaidInference(attribution, ctx, msg),
  });
  const modules = [
    authModule(auth),
    bankModule(bank),
    stakingModule(staking),
    datanetsModule(datanets),
    modelsModule(models),
    attributionModule(attribution),
    settlementModule(settlement),
  ] as Module[];
  const keepers = { auth, bank, staking, datanets, models, attribution, settlement };
  const signatures = new VerifiedSignatures();
  return { modules, ante: newAnteHandler(auth, bank, signatures), keepers, signatures };
}

export const STORE_NAMES = [
  "auth",
  "bank",
  "staking",
  "datanets",
  "models",
  "attribution",
  "settlement",
] as const;
