// Vite builds the explorer into explorer/dist, served by the node under /explorer/
// (node/explorer/route.ts). `npm run build:explorer`; `npm install` runs it too (prepare).
import { defineConfig } from "vite";

export default defineConfig({
  base: "/explorer/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The span recomputation chunk carries the cl100k_base tokenizer (~1 MB, loaded only by the
    // inference view of a span job).
    chunkSizeWarningLimit: 1600,
  },
});
