# One Cloud Run service per function, all running the same image (the built bundle), each told
# which function it serves by FUNCTION_TARGET. The image starts `node server.mjs` (the bundle's
# start script, from the Procfile the source package carries), which serves the function behind
# the request-body guard (docs/security.md, "Request bodies"; docs/deploy.md for why these are
# Cloud Run services and not Cloud Functions). No `command` is set here: it would replace the
# image's start process and bypass the guard.

locals {
  names = { for name, kebab in var.service_names : name => "${var.name_prefix}${kebab}" }

  service_callers = merge(var.push_service_accounts, var.scheduler_service_accounts)

  audiences = {
    for name, f in var.functions : name => "https://${local.names[name]}.${var.environment}.${var.oidc_audience_domain}"
    if f.trigger == "pubsub" || f.trigger == "scheduler"
  }

  # Each instance loads the whole config (config/base.yaml, config/<env>.yaml, then COSTMON_*);
  # these are the keys whose file defaults are wrong on Google Cloud.
  common_env = {
    NODE_ENV                         = "production"
    COSTMON_ENV                      = var.environment
    COSTMON_RUNTIME                  = "gcp"
    COSTMON_PROJECT_ID               = var.project_id
    COSTMON_PUBSUB_TOPIC_PREFIX      = var.topic_prefix
    COSTMON_BIGQUERY_LOCATION        = var.bigquery_location
    COSTMON_BIGQUERY_COST_DATASET    = var.cost_dataset
    COSTMON_BIGQUERY_STAGING_DATASET = var.staging_dataset
    COSTMON_ALERTS_DASHBOARD_URL     = var.dashboard_url
  }

  env = {
    for name, f in var.functions : name => merge(
      local.common_env,
      { FUNCTION_TARGET = name },
      { for k, v in { COSTMON_SERVER_CORS_ORIGINS = join(",", var.cors_origins) } : k => v if f.trigger == "callable" },
      {
        for k, v in {
          COSTMON_AUTH_OIDC_AUDIENCE         = lookup(local.audiences, name, "")
          COSTMON_AUTH_OIDC_SERVICE_ACCOUNTS = lookup(local.service_callers, name, "")
        } : k => v if f.trigger == "pubsub" || f.trigger == "scheduler"
      },
      {
        for k, v in {
          COSTMON_ALERTS_SLACK_ENABLED     = tostring(var.ops_slack_enabled)
          COSTMON_ALERTS_PAGERDUTY_ENABLED = tostring(var.ops_pagerduty_enabled)
        } : k => v if f.ops_alerts
      },
    )
  }

  # The operations channel's webhook and routing key, as secret environment variables, only
  # where the code may send to that channel.
  secret_env = {
    for name, f in var.functions : name => {
      for k, v in {
        COSTMON_ALERTS_SLACK_WEBHOOK_URL     = var.ops_secret_ids["alerts.slack_webhook_url"]
        COSTMON_ALERTS_PAGERDUTY_ROUTING_KEY = var.ops_secret_ids["alerts.pagerduty_routing_key"]
      } : k => v if f.ops_alerts
    }
  }

  public  = { for name, f in var.functions : name => f if f.trigger == "callable" || f.trigger == "http" }
  private = { for name, f in var.functions : name => f if f.trigger == "pubsub" || f.trigger == "scheduler" }
}

resource "google_cloud_run_v2_service" "function" {
  for_each            = var.functions
  project             = var.project_id
  location            = var.region
  name                = local.names[each.key]
  description         = "costmon ${each.key} (${each.value.trigger})"
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = var.deletion_protection
  custom_audiences    = [for a in [lookup(local.audiences, each.key, "")] : a if a != ""]
  labels = {
    app         = "costmon"
    environment = var.environment
    function    = var.service_names[each.key]
    trigger     = each.value.trigger
  }

  template {
    service_account                  = var.function_service_accounts[each.key]
    timeout                          = "${each.value.timeout_seconds}s"
    max_instance_request_concurrency = each.value.concurrency
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"

    scaling {
      min_instance_count = lookup(var.min_instances, each.key, each.value.min_instances)
      max_instance_count = lookup(var.max_instances, each.key, each.value.max_instances)
    }

    containers {
      image = var.image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = each.value.cpu
          memory = each.value.memory
        }
        cpu_idle          = each.value.cpu_idle
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = local.env[each.key]
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.secret_env[each.key]
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value
              version = "latest"
            }
          }
        }
      }
    }
  }
}

# Callables and health are public: they authenticate callers themselves (ID tokens, API keys,
# OIDC for health's details), and browsers cannot present Google IAM credentials.
resource "google_cloud_run_v2_service_iam_member" "public" {
  for_each = local.public
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.function[each.key].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Event and scheduled functions are private: only their push or scheduler identity may invoke
# them (Cloud Run checks the OIDC token first, then the function checks it again).
resource "google_cloud_run_v2_service_iam_member" "caller" {
  for_each = local.private
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.function[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${local.service_callers[each.key]}"
}
