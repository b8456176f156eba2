output "dataset_ids" {
  description = "Dataset id of each role (cost_analytics, llm_usage, audit_logs, staging)."
  value       = local.dataset_ids
}

output "tables" {
  description = "Every table as dataset.table."
  value       = [for t in google_bigquery_table.table : "${t.dataset_id}.${t.table_id}"]
}
