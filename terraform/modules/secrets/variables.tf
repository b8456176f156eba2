variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "project_number" {
  description = "The project's number (Secret Manager resource names in IAM conditions use it)."
  type        = string
}

variable "function_service_accounts" {
  description = "Runtime service account e-mail of each function."
  type        = map(string)
}

variable "ops_secret_ids" {
  description = "Secret id of each operations channel config secret, by config key."
  type        = map(string)
  default = {
    "alerts.slack_webhook_url"     = "ops-slack-webhook-url"
    "alerts.pagerduty_routing_key" = "ops-pagerduty-routing-key"
  }
}

variable "functions" {
  description = "The function catalog (modules/catalog)."
  type = map(object({
    trigger         = string
    topic           = string
    schedule        = string
    time_zone       = string
    ordered         = bool
    publishes       = list(string)
    bigquery        = string
    secrets         = object({ read = list(string), write = list(string), delete = list(string) })
    ops_alerts      = bool
    firebase_auth   = bool
    memory          = string
    cpu             = string
    min_instances   = number
    max_instances   = number
    timeout_seconds = number
    concurrency     = number
    cpu_idle        = bool
  }))
}
