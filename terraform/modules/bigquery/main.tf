# The history datasets and tables, from tables.json, which scripts/terraform/bigquery-schemas.ts
# generates from functions/src/adapters/bigquery/table-schemas.ts (the one schema source; the
# drift check compares each table here with the code). Every table is partitioned by day and
# clustered with tenant_id first; audit partitions are kept audit_retention_days.

locals {
  spec = jsondecode(file("${path.module}/tables.json"))

  # Dataset ids by role: the ledger's two come from config, the others are the code's defaults.
  dataset_ids = merge(
    { for role, d in local.spec.datasets : role => d.id },
    { cost_analytics = var.cost_dataset, staging = var.staging_dataset },
  )

  writers = { for name, f in var.functions : name => f if f.bigquery == "write" }
  readers = { for name, f in var.functions : name => f if f.bigquery == "read" }
  # The LLM ledger inserts events (insertAll) and queries them; its reads may first send rows
  # left in its Firestore outbox, so even read-only functions over it insert.
  llm_users = { for name, f in var.functions : name => f if f.llm_ledger }

  # The MERGE and the load jobs write the ledger and its staging tables.
  editor_grants = merge([
    for name, f in local.writers : { for role in ["cost_analytics", "staging"] : "${name}:${role}" => { function = name, role = role } }
  ]...)
}

resource "google_bigquery_dataset" "dataset" {
  for_each                    = local.spec.datasets
  project                     = var.project_id
  dataset_id                  = local.dataset_ids[each.key]
  location                    = var.location
  description                 = each.value.description
  default_table_expiration_ms = each.value.default_table_expiration_ms
  delete_contents_on_destroy  = false
  labels = {
    app  = "costmon"
    role = replace(each.key, "_", "-")
  }
}

resource "google_bigquery_table" "table" {
  for_each            = local.spec.tables
  project             = var.project_id
  dataset_id          = google_bigquery_dataset.dataset[each.value.dataset].dataset_id
  table_id            = each.value.table
  description         = each.value.description
  deletion_protection = var.deletion_protection
  schema              = jsonencode(each.value.schema)
  clustering          = each.value.clustering

  time_partitioning {
    type          = each.value.partition_type
    field         = each.value.partition_field
    expiration_ms = each.value.dataset == "audit_logs" ? var.audit_retention_days * 86400000 : null
  }

  labels = {
    app = "costmon"
  }
}

resource "google_bigquery_dataset_iam_member" "editor" {
  for_each   = local.editor_grants
  project    = var.project_id
  dataset_id = google_bigquery_dataset.dataset[each.value.role].dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = "serviceAccount:${var.function_service_accounts[each.value.function]}"
}

resource "google_bigquery_dataset_iam_member" "llm_editor" {
  for_each   = local.llm_users
  project    = var.project_id
  dataset_id = google_bigquery_dataset.dataset["llm_usage"].dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = "serviceAccount:${var.function_service_accounts[each.key]}"
}

resource "google_bigquery_dataset_iam_member" "viewer" {
  for_each   = local.readers
  project    = var.project_id
  dataset_id = google_bigquery_dataset.dataset["cost_analytics"].dataset_id
  role       = "roles/bigquery.dataViewer"
  member     = "serviceAccount:${var.function_service_accounts[each.key]}"
}
