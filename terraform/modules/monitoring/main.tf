# The platform watching itself: its own monthly billing budget (50/75/90/100 %, to a Pub/Sub
# topic), log-based metrics on what the functions log (failed collections, events rejected and
# dead-lettered by the code, error entries) and alert policies on those metrics and on the
# dead-letter subscriptions' backlog.

locals {
  failed_service   = var.service_names["collectAccountFailed"]
  services_pattern = "^${var.name_prefix}"
  channels         = [for c in google_monitoring_notification_channel.email : c.id]
}

resource "google_pubsub_topic" "budget" {
  project = var.project_id
  name    = "${var.topic_prefix}platform-budget"
  labels = {
    app = "costmon"
  }
}

# No function reads budget notifications yet: a pull subscription keeps them for a week.
resource "google_pubsub_subscription" "budget" {
  project                    = var.project_id
  name                       = "${var.topic_prefix}platform-budget.retained"
  topic                      = google_pubsub_topic.budget.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  expiration_policy {
    ttl = ""
  }
}

# Cloud Billing publishes budget notifications as this service account.
resource "google_pubsub_topic_iam_member" "budget_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.budget.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:billing-budget-alert@system.gserviceaccount.com"
}

resource "google_billing_budget" "platform" {
  billing_account = var.billing_account
  display_name    = "${var.name_prefix}platform-${var.environment}"

  budget_filter {
    projects        = ["projects/${var.project_number}"]
    calendar_period = "MONTH"
  }

  amount {
    specified_amount {
      currency_code = var.budget_currency
      units         = tostring(var.monthly_budget)
    }
  }

  dynamic "threshold_rules" {
    for_each = var.budget_thresholds
    content {
      threshold_percent = threshold_rules.value
      spend_basis       = "CURRENT_SPEND"
    }
  }

  all_updates_rule {
    pubsub_topic                     = google_pubsub_topic.budget.id
    schema_version                   = "1.0"
    monitoring_notification_channels = local.channels
  }
}

resource "google_monitoring_notification_channel" "email" {
  count        = var.alert_email == "" ? 0 : 1
  project      = var.project_id
  display_name = "costmon ${var.environment} operations"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }
}

# collectAccountFailed logs this once per page given up on (entrypoints/pubsub/collect-account-failed.ts).
resource "google_logging_metric" "collection_failures" {
  project     = var.project_id
  name        = "${var.name_prefix}collection-failures"
  description = "Collection pages given up on (they reached collect-account.dead-letter)."
  filter      = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${local.failed_service}\" AND jsonPayload.message=\"account page failed\""
  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# The event stack logs this when it sends a message that can never succeed to `<topic>.dead-letter`.
resource "google_logging_metric" "events_rejected" {
  project          = var.project_id
  name             = "${var.name_prefix}events-rejected"
  description      = "Event messages the code dead-lettered at once (not retryable)."
  filter           = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=~\"${local.services_pattern}\" AND jsonPayload.message=\"event rejected (not retryable)\""
  label_extractors = { service = "EXTRACT(resource.labels.service_name)" }
  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key         = "service"
      value_type  = "STRING"
      description = "Cloud Run service"
    }
  }
}

resource "google_logging_metric" "function_errors" {
  project          = var.project_id
  name             = "${var.name_prefix}function-errors"
  description      = "Log entries of severity ERROR or worse from the functions."
  filter           = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=~\"${local.services_pattern}\" AND severity>=ERROR"
  label_extractors = { service = "EXTRACT(resource.labels.service_name)" }
  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key         = "service"
      value_type  = "STRING"
      description = "Cloud Run service"
    }
  }
}

resource "google_monitoring_alert_policy" "collection_failures" {
  project               = var.project_id
  display_name          = "costmon ${var.environment}: failed collections"
  combiner              = "OR"
  notification_channels = local.channels
  conditions {
    display_name = "A collection page was given up on"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.collection_failures.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }
    }
  }
  documentation {
    content   = "collectAccountFailed marked an account failing. Its documents hold lastError; the tenant was alerted (collection.failing)."
    mime_type = "text/markdown"
  }
}

resource "google_monitoring_alert_policy" "dead_letters" {
  project               = var.project_id
  display_name          = "costmon ${var.environment}: dead-letter growth"
  combiner              = "OR"
  notification_channels = local.channels
  conditions {
    display_name = "Messages wait on a dead-letter subscription"
    condition_threshold {
      filter          = "resource.type=\"pubsub_subscription\" AND metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.labels.subscription_id=monitoring.regex.full_match(\"${var.topic_prefix}.*\\\\.dead-letter\\\\.retained\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "300s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }
  conditions {
    display_name = "Pub/Sub dead-lettered messages after their delivery attempts"
    condition_threshold {
      filter          = "resource.type=\"pubsub_subscription\" AND metric.type=\"pubsub.googleapis.com/subscription/dead_letter_message_count\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.subscription_id"]
      }
    }
  }
  conditions {
    display_name = "The code dead-lettered a message it can never handle"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.events_rejected.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.service"]
      }
    }
  }
  documentation {
    content   = "A message reached a `<topic>.dead-letter` topic. Inspect the `.retained` pull subscription of that topic; the function's logs say why."
    mime_type = "text/markdown"
  }
}

resource "google_monitoring_alert_policy" "function_errors" {
  project               = var.project_id
  display_name          = "costmon ${var.environment}: function errors"
  combiner              = "OR"
  notification_channels = local.channels
  conditions {
    display_name = "Error log entries per function"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.function_errors.name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.function_error_threshold
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.service"]
      }
    }
  }
  conditions {
    display_name = "5xx answers per function"
    condition_threshold {
      filter          = "resource.type=\"cloud_run_revision\" AND metric.type=\"run.googleapis.com/request_count\" AND metric.labels.response_code_class=\"5xx\" AND resource.labels.service_name=monitoring.regex.full_match(\"${var.name_prefix}.*\")"
      comparison      = "COMPARISON_GT"
      threshold_value = var.function_error_threshold
      duration        = "0s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.service_name"]
      }
    }
  }
  documentation {
    content   = "A function logs errors or answers 5xx. Its logs (resource.labels.service_name) say which requests failed."
    mime_type = "text/markdown"
  }
}
