# The (default) Firestore database in Native mode (config firestore.database_id "" = default),
# its composite indexes from firestore.indexes.json (generated from the query registry by
# scripts/firestore-indexes.mjs) and its security rules from firestore.rules: the same two files
# the emulators and `firebase deploy --only firestore` read, so there is one copy of each.

locals {
  indexes = jsondecode(file(var.indexes_file)).indexes

  # A stable key per index: collection group, scope and its fields in order.
  index_map = {
    for idx in local.indexes :
    "${idx.collectionGroup}/${idx.queryScope}/${join(",", [for f in idx.fields : "${f.fieldPath}:${lookup(f, "order", lookup(f, "arrayConfig", ""))}"])}" => idx
  }
}

resource "google_firestore_database" "default" {
  project                 = var.project_id
  name                    = "(default)"
  location_id             = var.location
  type                    = "FIRESTORE_NATIVE"
  app_engine_integration_mode = "DISABLED"
  delete_protection_state = var.delete_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  deletion_policy         = "ABANDON"
}

resource "google_firestore_index" "index" {
  for_each    = local.index_map
  project     = var.project_id
  database    = google_firestore_database.default.name
  collection  = each.value.collectionGroup
  query_scope = each.value.queryScope

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = lookup(fields.value, "order", null)
      array_config = lookup(fields.value, "arrayConfig", null)
    }
  }
}

# The gcp LLM ledger's claims of event ids (adapters/gcp/llm-ledger-documents.ts) carry expireAt,
# two days past the last day a retry of their event is still accepted: Firestore's TTL deletes
# them after it. The field needs no single-field index (nothing queries it).
resource "google_firestore_field" "llm_event_claims_ttl" {
  project    = var.project_id
  database   = google_firestore_database.default.name
  collection = "llm_event_claims"
  field      = "expireAt"

  ttl_config {}
  index_config {}
}

resource "google_firebaserules_ruleset" "firestore" {
  project = var.project_id

  source {
    files {
      name    = "firestore.rules"
      content = file(var.rules_file)
    }
  }

  depends_on = [google_firestore_database.default]
}

resource "google_firebaserules_release" "firestore" {
  project      = var.project_id
  name         = "cloud.firestore"
  ruleset_name = google_firebaserules_ruleset.firestore.name
}
