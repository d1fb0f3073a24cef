// Block-store methods: block, header, blockchain, block_results, commit, validators,
// consensus_params, genesis.
import { toBase64 } from "./encoding.js";
import { internalError } from "./errors.js";
import { blockIdJson, blockJson, blockMetaJson, commitJson, headerJson, validatorJson } from "./json.js";
import { blockResultsJson, consensusParamsJson } from "./json-abci.js";
import { big, bytes, HEIGHT as H, type MethodDef, num, resolveHeight } from "./methods-common.js";
import { paginate } from "./paging.js";

const GENESIS_CHUNK_SIZE = 16 * 1024 * 1024;
const EMPTY_BLOCK = { block_id: blockIdJson(undefined), block: null };

export const BLOCK_METHODS: Record<string, MethodDef> = {
  block: {
    params: [H],
    handler: async (p, c) => {
      const found = await c.backend.block(resolveHeight(c.backend, big(p, "height")));
      return found ? { block_id: blockIdJson(found.blockId), block: blockJson(found.block) } : EMPTY_BLOCK;
    },
  },
  block_by_hash: {
    params: [["hash", "bytes"]],
    handler: async (p, c) => {
      const found = await c.backend.blockByHash(bytes(p, "hash"));
      return found ? { block_id: blockIdJson(found.blockId), block: blockJson(found.block) } : EMPTY_BLOCK;
    },
  },
  header: {
    params: [H],
    handler: async (p, c) => {
      const found = await c.backend.block(resolveHeight(c.backend, big(p, "height")));
      return { header: found ? headerJson(found.block.header) : null };
    },
  },
  header_by_hash: {
    params: [["hash", "bytes"]],
    handler: async (p, c) => {
      const found = await c.backend.blockByHash(bytes(p, "hash"));
      return { header: found ? headerJson(found.block.header) : null };
    },
  },
  blockchain: {
    params: [
      ["minHeight", "int"],
      ["maxHeight", "int"],
    ],
    handler: async (p, c) => {
      const { earliest, latest } = c.backend.heights();
      let min = BigInt(num(p, "minHeight") ?? 0);
      let max = BigInt(num(p, "maxHeight") ?? 0);
      if (min === 0n) min = 1n;
      if (max === 0n || max > latest) max = latest;
      if (min < earliest) min = earliest;
      if (min < max - 19n) min = max - 19n;
      if (min > max) throw internalError(`min height ${min} can't be greater than max height ${max}`);
      const metas = await c.backend.blockMetas(min, max);
      metas.sort((a, b) => (a.header.height > b.header.height ? -1 : 1));
      return { last_height: latest.toString(), block_metas: metas.map(blockMetaJson) };
    },
  },
  block_results: {
    params: [H],
    handler: async (p, c) => {
      const height = resolveHeight(c.backend, big(p, "height"));
      const r = await c.backend.blockResults(height);
      if (!r) throw internalError(`could not find results for height #${height}`);
      return blockResultsJson(height, r);
    },
  },
  commit: {
    params: [H],
    handler: async (p, c) => {
      const height = resolveHeight(c.backend, big(p, "height"));
      const r = await c.backend.commit(height);
      if (!r?.signedHeader.header) throw internalError(`commit for height ${height} not found`);
      const { header, commit } = r.signedHeader;
      return {
        signed_header: { header: headerJson(header), commit: commitJson(commit) },
        canonical: r.canonical,
      };
    },
  },
  validators: {
    params: [H, ["page", "int"], ["per_page", "int"]],
    handler: async (p, c) => {
      const height = resolveHeight(c.backend, big(p, "height"));
      const vals = await c.backend.validators(height);
      if (!vals) throw internalError(`could not find validator set for height #${height}`);
      const { skip, perPage } = paginate(vals.length, num(p, "page"), num(p, "per_page"));
      return {
        block_height: height.toString(),
        validators: vals.slice(skip, skip + perPage).map(validatorJson),
        count: String(Math.min(perPage, vals.length - skip)),
        total: String(vals.length),
      };
    },
  },
  consensus_params: {
    params: [H],
    handler: async (p, c) => {
      const height = resolveHeight(c.backend, big(p, "height"));
      const params = await c.backend.consensusParams(height);
      if (!params) throw internalError(`could not find consensus params for height #${height}`);
      return { block_height: height.toString(), consensus_params: consensusParamsJson(params) };
    },
  },
  genesis: {
    params: [],
    handler: async (_p, c) => {
      const genesis = await c.backend.genesis();
      if (JSON.stringify(genesis).length > GENESIS_CHUNK_SIZE) {
        throw internalError("genesis response is large, please use the genesis_chunked API instead");
      }
      return { genesis };
    },
  },
  genesis_chunked: {
    params: [["chunk", "int"]],
    handler: async (p, c) => {
      const doc = new TextEncoder().encode(JSON.stringify(await c.backend.genesis()));
      const total = Math.max(1, Math.ceil(doc.length / GENESIS_CHUNK_SIZE));
      const chunk = num(p, "chunk") ?? 0;
      if (chunk >= total) throw internalError(`there are ${total} chunks, ${chunk} is invalid`);
      const data = doc.subarray(chunk * GENESIS_CHUNK_SIZE, (chunk + 1) * GENESIS_CHUNK_SIZE);
      return { chunk: String(chunk), total: String(total), data: toBase64(data) };
    },
  },
};
