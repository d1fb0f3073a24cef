// Model artifacts in the content store: the ONNX (or other) file of every registered, not
// deprecated model, and of every such adapter that declared its size, is wanted by every node,
// like approved contributions' content, so validators that attribute by influence find the model
// (and adapter) they must run. Read through the app's query seam.
import {
  QueryAdaptersOfModelRequest,
  QueryAdaptersOfModelResponse,
  QueryModelsRequest,
  QueryModelsResponse,
} from "../../proto/gen/openledger/models/v1/query.js";
import type { Application } from "../app/application.js";

export interface Artifact {
  sha256: Uint8Array;
  size: bigint;
}

const PATH = "/openledger.models.v1.Query/Models";
const ADAPTERS_PATH = "/openledger.models.v1.Query/AdaptersOfModel";

export class ArtifactsView {
  constructor(private readonly app: Pick<Application, "query">) {}

  /**
   * Artifacts of every registered model that is not deprecated, each followed by those of its
   * adapters that are not deprecated and declared their size, in id order.
   */
  artifacts(): Artifact[] {
    const out: Artifact[] = [];
    let key: Uint8Array = new Uint8Array(0);
    do {
      const data = QueryModelsRequest.encode({ owner: "", pagination: { key, limit: 1000n } }).finish();
      const page = QueryModelsResponse.decode(this.ask(PATH, data));
      for (const m of page.models) {
        if (!m.deprecated) out.push({ sha256: m.artifactSha256, size: m.artifactSize });
        out.push(...this.adapters(m.id));
      }
      key = page.pagination?.nextKey ?? new Uint8Array(0);
    } while (key.length > 0);
    return out;
  }

  private adapters(modelId: bigint): Artifact[] {
    const out: Artifact[] = [];
    let key: Uint8Array = new Uint8Array(0);
    do {
      const data = QueryAdaptersOfModelRequest.encode({
        modelId,
        pagination: { key, limit: 1000n },
      }).finish();
      const page = QueryAdaptersOfModelResponse.decode(this.ask(ADAPTERS_PATH, data));
      for (const a of page.adapters)
        if (!a.deprecated && a.adapterSize > 0n) out.push({ sha256: a.adapterSha256, size: a.adapterSize });
      key = page.pagination?.nextKey ?? new Uint8Array(0);
    } while (key.length > 0);
    return out;
  }

  private ask(path: string, data: Uint8Array): Uint8Array {
    const r = this.app.query({ path, data, prove: false });
    if (r.code !== 0) throw new Error(`query ${path} failed: ${r.codespace} ${r.code} ${r.log}`);
    return r.value;
  }

  /** The declared size of a registered artifact with this sha256, if any. */
  sizeOf(sha256: Uint8Array): bigint | undefined {
    return this.artifacts().find((a) => Buffer.from(a.sha256).equals(Buffer.from(sha256)))?.size;
  }
}

/** Whether a committed block registered a model or adapter (its artifact should now be fetched). */
export function registersModels(results: readonly { code: number; events: { type: string }[] }[]): boolean {
  return results.some(
    (r) =>
      r.code === 0 && r.events.some((e) => e.type === "model_registered" || e.type === "adapter_registered"),
  );
}
