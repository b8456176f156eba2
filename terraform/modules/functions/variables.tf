variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run services."
  type        = string
}

variable "environment" {
  description = "Environment name: selects config/<environment>.yaml (COSTMON_ENV)."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of the Cloud Run service names."
  type        = string
}

variable "service_names" {
  description = "Kebab-case name of each function (modules/project)."
  type        = map(string)
}

variable "image" {
  description = "Container image of the functions (built from the source bundle; pin it by digest)."
  type        = string
}

variable "function_service_accounts" {
  description = "Runtime service account e-mail of each function."
  type        = map(string)
}

variable "push_service_accounts" {
  description = "Push identity e-mail of each Pub/Sub function."
  type        = map(string)
}

variable "scheduler_service_accounts" {
  description = "Caller identity e-mail of each scheduled function."
  type        = map(string)
}

variable "oidc_audience_domain" {
  description = "Domain of the custom OIDC audiences of event and scheduled functions (https://<service>.<environment>.<domain>)."
  type        = string
}

variable "topic_prefix" {
  description = "Prefix of every Pub/Sub topic id (config pubsub.topic_prefix)."
  type        = string
}

variable "bigquery_location" {
  description = "Location of the BigQuery datasets (config bigquery.location)."
  type        = string
}

variable "cost_dataset" {
  description = "Dataset of the ledger (config bigquery.cost_dataset)."
  type        = string
}

variable "staging_dataset" {
  description = "Dataset of the ledger's staging tables (config bigquery.staging_dataset)."
  type        = string
}

variable "dashboard_url" {
  description = "Base of the links alerts carry (config alerts.dashboard_url)."
  type        = string
}

variable "cors_origins" {
  description = "Browser origins allowed to call the callables (config server.cors_origins)."
  type        = list(string)
}

variable "ops_secret_ids" {
  description = "Secret Manager secret id of each operations channel config secret, by config key."
  type        = map(string)
}

variable "ops_slack_enabled" {
  description = "Send operations alerts to Slack (config alerts.slack_enabled)."
  type        = bool
}

variable "ops_pagerduty_enabled" {
  description = "Send operations alerts to PagerDuty (config alerts.pagerduty_enabled)."
  type        = bool
}

variable "min_instances" {
  description = "Per-function overrides of the catalog's minimum instance count."
  type        = map(number)
  default     = {}
}

variable "max_instances" {
  description = "Per-function overrides of the catalog's maximum instance count."
  type        = map(number)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse to destroy the services from Terraform."
  type        = bool
  default     = true
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
