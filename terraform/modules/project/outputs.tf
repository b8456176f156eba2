output "project_number" {
  description = "The project's number (service agents and IAM condition resource names use it)."
  value       = data.google_project.this.number
}

output "service_names" {
  description = "Cloud Run service name of each function (kebab case)."
  value       = local.kebab
}

output "function_service_accounts" {
  description = "E-mail of each function's runtime service account."
  value       = { for name, sa in google_service_account.function : name => sa.email }
}

output "push_service_accounts" {
  description = "E-mail of the push identity of each Pub/Sub function's subscription."
  value       = { for name, sa in google_service_account.push : name => sa.email }
}

output "scheduler_service_accounts" {
  description = "E-mail of the caller identity of each scheduled function's job."
  value       = { for name, sa in google_service_account.scheduler : name => sa.email }
}

output "pubsub_service_agent" {
  description = "The project's Pub/Sub service agent (dead-lettering publishes and acknowledges as it)."
  value       = local.pubsub_agent
}

output "scheduler_service_agent" {
  description = "The project's Cloud Scheduler service agent (Pub/Sub targets publish as it)."
  value       = local.scheduler_agent
}

output "apis" {
  description = "The enabled services, for depends_on."
  value       = [for s in google_project_service.api : s.id]
}
