// The ordered module list and the app they make: the one place modules are wired together.
import type { AnteHandler } from "../node/app/baseapp.js";
import type { Module } from "../node/app/module.js";
import { VerifiedSignatures } from "../node/crypto/secp256k1.js";
import { AuthKeeper, authModule, newAnteHandler } from "./auth/index.js";
import { BankKeeper, bankModule } from "./bank/index.js";

export interface AppModules {
  modules: Module[];
  ante: AnteHandler;
  keepers: { auth: AuthKeeper; bank: BankKeeper };
}

/** Genesis order: auth before bank (bank creates accounts for balances it mints). */
export function buildModules(): AppModules {
  const auth = new AuthKeeper();
  const bank = new BankKeeper(auth);
  const modules = [authModule(auth), bankModule(bank)] as Module[];
  return { modules, ante: newAnteHandler(auth, bank, new VerifiedSignatures()), keepers: { auth, bank } };
}

export const STORE_NAMES = ["auth", "bank"] as const;
