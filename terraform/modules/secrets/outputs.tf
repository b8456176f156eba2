output "ops_secret_ids" {
  description = "Secret id of each operations channel config secret, by config key."
  value       = { for key, s in google_secret_manager_secret.ops : key => s.secret_id }
}

output "platform_secrets" {
  description = "The platform's own secrets (not tenants')."
  value       = [for s in google_secret_manager_secret.platform : s.secret_id]
}
