import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import { sharedData } from "../shared-data.js";

/**
 * Validates Events API v2 request bodies against PagerDuty's own OpenAPI
 * (../shared/data/pagerduty-events-v2/events-v2.openapiv3.json, path /enqueue). The request schema
 * is taken out of the OpenAPI and its "#/components/..." refs resolve against the same document,
 * which is embedded as the schema's root.
 */

const openapi = JSON.parse(readFileSync(sharedData("pagerduty-events-v2", "events-v2.openapiv3.json"), "utf8")) as {
  paths: Record<string, { post: { requestBody: { content: Record<string, { schema: object }> } } }>;
  components: object;
};

const enqueue = openapi.paths["/enqueue"]?.post.requestBody.content["application/json"]?.schema;
if (!enqueue) throw new Error("events-v2 OpenAPI has no /enqueue request schema");

// ajv-formats' CJS default export under NodeNext interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// OpenAPI's "url" format is ajv-formats' "uri".
ajv.addFormat("url", /^https?:\/\/\S+$/);

export const enqueueSchema = { ...enqueue, components: openapi.components };
const validate = ajv.compile(enqueueSchema);

export function pagerDutyEventErrors(body: unknown): string[] {
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? "invalid"}`);
}

/** The "payload is required for trigger" rule lives in PagerDuty's prose, not the schema; enforce it too. */
export function pagerDutyEnqueueErrors(body: unknown): string[] {
  const errors = pagerDutyEventErrors(body);
  const b = body as { event_action?: unknown; payload?: unknown; dedup_key?: unknown };
  if (b && typeof b === "object") {
    if (b.event_action === "trigger" && b.payload === undefined) errors.push("/payload is required for trigger");
    if (b.event_action !== "trigger" && typeof b.dedup_key !== "string") errors.push("/dedup_key is required for acknowledge and resolve");
  }
  return errors;
}
