#!/usr/bin/env node
// The openledgerd executable: runs the TypeScript CLI (cmd/main.ts) through tsx, no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cmd/main.ts");
await main(process.argv);
