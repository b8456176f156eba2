output "source_bucket" {
  description = "Bucket the built bundles are uploaded to."
  value       = google_storage_bucket.source.name
}

output "image_repository" {
  description = "Artifact Registry path images are pushed to (REGION-docker.pkg.dev/PROJECT/REPO)."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}
