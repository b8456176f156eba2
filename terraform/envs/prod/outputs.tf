output "function_urls" {
  description = "URL of each function."
  value       = module.platform.function_urls
}

output "source_bucket" {
  description = "Upload the source archive here."
  value       = module.platform.source_bucket
}

output "image_repository" {
  description = "Push the functions' image here."
  value       = module.platform.image_repository
}

output "ops_secrets" {
  description = "Put the operations channel's webhook and routing key in these secrets."
  value       = module.platform.ops_secrets
}
