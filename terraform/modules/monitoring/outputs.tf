output "budget_topic" {
  description = "Topic the platform's budget notifications go to."
  value       = google_pubsub_topic.budget.id
}

output "alert_policies" {
  description = "Alert policy names."
  value = [
    google_monitoring_alert_policy.collection_failures.name,
    google_monitoring_alert_policy.dead_letters.name,
    google_monitoring_alert_policy.function_errors.name,
  ]
}
