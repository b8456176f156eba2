# Cloud Scheduler: the nightly publishes `{}` to nightly-collect (the run day is then the UTC day
# it was published, fan-out.ts); each scheduled function gets a job calling its service with an
# OIDC token of its own caller identity, on the schedule and time zone the function declares.

locals {
  scheduled = { for name, f in var.functions : name => f if f.trigger == "scheduler" }
}

resource "google_cloud_scheduler_job" "nightly" {
  project     = var.project_id
  region      = var.region
  name        = "${var.name_prefix}nightly-collect"
  description = "Starts the nightly collection (fanOutCollection)."
  schedule    = var.nightly_schedule
  time_zone   = var.nightly_time_zone

  pubsub_target {
    topic_name = var.topic_ids[var.nightly_topic]
    data       = base64encode("{}")
  }

  retry_config {
    retry_count          = 3
    min_backoff_duration = "60s"
  }
}

# Pub/Sub targets publish as the Cloud Scheduler service agent.
resource "google_pubsub_topic_iam_member" "nightly_publisher" {
  project = var.project_id
  topic   = var.topic_ids[var.nightly_topic]
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${var.scheduler_service_agent}"
}

resource "google_cloud_scheduler_job" "function" {
  for_each         = local.scheduled
  project          = var.project_id
  region           = var.region
  name             = "${var.name_prefix}${var.service_names[each.key]}"
  description      = "Calls ${each.key} (its run is keyed on the schedule time, so a retried firing runs once)."
  schedule         = each.value.schedule
  time_zone        = each.value.time_zone
  attempt_deadline = "${min(1800, each.value.timeout_seconds + 30)}s"

  http_target {
    uri         = var.service_uris[each.key]
    http_method = "POST"
    oidc_token {
      service_account_email = var.scheduler_service_accounts[each.key]
      audience              = var.oidc_audiences[each.key]
    }
  }

  retry_config {
    retry_count          = 2
    min_backoff_duration = "30s"
  }
}
