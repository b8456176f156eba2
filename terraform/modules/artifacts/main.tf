# Where deployments come from: the source bucket holds each built bundle as uploaded
# (scripts/terraform/package-source.ts), Artifact Registry holds the image Cloud Build makes from
# it with Google Cloud's buildpacks (docs/deploy.md). The functions run that image.

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = var.source_retention_days
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_artifact_registry_repository" "images" {
  project       = var.project_id
  location      = var.region
  repository_id = "${var.name_prefix}images"
  format        = "DOCKER"
  description   = "Images of the cost monitoring functions, built from the source bucket."

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 20
    }
  }
}
