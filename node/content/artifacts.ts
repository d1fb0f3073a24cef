// Model artifacts in the content store: the ONNX (or other) file of every registered, not
// deprecated model is wanted by every node, like approved contributions' content, so validators
// that attribute by influence find the model they must run. Read through the app's query seam.
import { QueryModelsRequest, QueryModelsResponse } from "../../proto/gen/openledger/models/v1/query.js";
import type { Application } from "../app/application.js";

export interface Artifact {
  sha256: Uint8Array;
  size: bigint;
}

const PATH = "/openledger.models.v1.Query/Models";

export class ArtifactsView {
  constructor(private readonly app: Pick<Application, "query">) {}

  /** Artifacts of every registered model that is not deprecated, in model id order. */
  artifacts(): Artifact[] {
    const out: Artifact[] = [];
    let key: Uint8Array = new Uint8Array(0);
    do {
      const data = QueryModelsRequest.encode({ owner: "", pagination: { key, limit: 1000n } }).finish();
      const r = this.app.query({ path: PATH, data, prove: false });
      if (r.code !== 0) throw new Error(`query Models failed: ${r.codespace} ${r.code} ${r.log}`);
      const page = QueryModelsResponse.decode(r.value);
      for (const m of page.models) {
        if (!m.deprecated) out.push({ sha256: m.artifactSha256, size: m.artifactSize });
      }
      key = page.pagination?.nextKey ?? new Uint8Array(0);
    } while (key.length > 0);
    return out;
  }

  /** The declared size of a registered artifact with this sha256, if any. */
  sizeOf(sha256: Uint8Array): bigint | undefined {
    return this.artifacts().find((a) => Buffer.from(a.sha256).equals(Buffer.from(sha256)))?.size;
  }
}

/** Whether a committed block registered a model (its artifact should now be fetched). */
export function registersModels(results: readonly { code: number; events: { type: string }[] }[]): boolean {
  return results.some((r) => r.code === 0 && r.events.some((e) => e.type === "model_registered"));
}
