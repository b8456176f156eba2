output "function_urls" {
  description = "URL of each function's Cloud Run service."
  value       = module.functions.uris
}

output "source_bucket" {
  description = "Bucket to upload the built source archive to."
  value       = module.artifacts.source_bucket
}

output "image_repository" {
  description = "Artifact Registry path to push the functions' image to."
  value       = module.artifacts.image_repository
}

output "topics" {
  description = "Pub/Sub topic ids by unprefixed name."
  value       = module.messaging.topic_ids
}

output "scheduler_jobs" {
  description = "Cloud Scheduler jobs."
  value       = module.scheduler.jobs
}

output "datasets" {
  description = "BigQuery dataset ids by role."
  value       = module.bigquery.dataset_ids
}

output "ops_secrets" {
  description = "Secrets to put the operations channel's webhook and routing key in."
  value       = module.secrets.ops_secret_ids
}

output "budget_topic" {
  description = "Topic of the platform's own budget notifications."
  value       = module.monitoring.budget_topic
}
