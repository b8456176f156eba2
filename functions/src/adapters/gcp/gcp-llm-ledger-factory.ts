import { Firestore } from "firebase-admin/firestore";
import type { AppConfig } from "#foundation/config/config-schema.js";
import type { Clock, DocumentStore } from "#kernel/ports.js";
import { FirestoreDocumentStore } from "../firestore/firestore-document-store.js";
import { GcpLlmLedger } from "./gcp-llm-ledger.js";

/**
 * The gcp runtime's LLM ledger from F7 config, for deps.ts: on the runtime's own Firestore client
 * when the documents are in Firestore (one connection per instance), on a client of its own
 * otherwise; `llm_usage.events` in `project.id` at `bigquery.location`, with the self-ops retry
 * budget. Event ids are remembered two days past the oldest day a retry is still accepted
 * (`llm_usage.max_age_days`).
 *
 * @example
 *   const ledger = openGcpLlmLedger({ config, documents, clock });
 */
export function openGcpLlmLedger(o: { config: AppConfig; documents: DocumentStore; clock: Clock }): GcpLlmLedger {
  const { config } = o;
  const shared = o.documents instanceof FirestoreDocumentStore ? o.documents.firestore : undefined;
  const firestore =
    shared ??
    new Firestore({ projectId: config.project.id, ...(config.firestore.database_id ? { databaseId: config.firestore.database_id } : {}), ignoreUndefinedProperties: true });
  return GcpLlmLedger.create({
    firestore,
    ownsFirestore: !shared,
    bigquery: {
      projectId: config.project.id,
      location: config.bigquery.location,
      retry: { maxAttempts: config.selfops.retry_max_attempts, baseDelayMs: config.selfops.retry_base, maxDelayMs: config.selfops.retry_max },
    },
    claimRetentionDays: config.llm_usage.max_age_days + 2,
    now: () => o.clock.now(),
  });
}
