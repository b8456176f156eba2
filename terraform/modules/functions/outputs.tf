output "service_names" {
  description = "Cloud Run service name of each function."
  value       = local.names
}

output "uris" {
  description = "URL of each function's service."
  value       = { for name, s in google_cloud_run_v2_service.function : name => s.uri }
}

output "oidc_audiences" {
  description = "The OIDC audience each event or scheduled function accepts."
  value       = local.audiences
}
