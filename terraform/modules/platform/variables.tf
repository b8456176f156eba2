variable "project_id" {
  description = "The Google Cloud project of this environment (one project per environment)."
  type        = string
}

variable "region" {
  description = "Region of the functions, the scheduler jobs and the source bucket."
  type        = string
}

variable "environment" {
  description = "Environment name; selects config/<environment>.yaml in the functions (COSTMON_ENV)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.environment))
    error_message = "An environment name is a lower-case letter, then up to 30 letters, digits or dashes (load-config.ts)."
  }
}

variable "name_prefix" {
  description = "Prefix of service, job, bucket and metric names."
  type        = string
  default     = "costmon-"
}

variable "image" {
  description = "The functions' container image, built from the source bundle (REGION-docker.pkg.dev/PROJECT/costmon-images/functions@sha256:...)."
  type        = string
}

variable "topic_prefix" {
  description = "Prefix of every topic id (config pubsub.topic_prefix)."
  type        = string
  default     = ""
}

variable "firestore_location" {
  description = "Firestore location (cannot change once the database exists)."
  type        = string
}

variable "bigquery_location" {
  description = "Location of the BigQuery datasets (config bigquery.location)."
  type        = string
  default     = "US"
}

variable "cost_dataset" {
  description = "Ledger dataset id (config bigquery.cost_dataset)."
  type        = string
  default     = "cost_analytics"
}

variable "staging_dataset" {
  description = "Staging dataset id (config bigquery.staging_dataset)."
  type        = string
  default     = "cost_analytics_staging"
}

variable "dashboard_url" {
  description = "Base of the links alerts carry (config alerts.dashboard_url)."
  type        = string
}

variable "cors_origins" {
  description = "Browser origins allowed to call the callables."
  type        = list(string)
  default     = []
}

variable "oidc_audience_domain" {
  description = "Domain of the OIDC audiences of event and scheduled functions."
  type        = string
  default     = "costmon.internal"
}

variable "ops_slack_enabled" {
  description = "Send operations alerts to the Slack webhook in secret ops-slack-webhook-url."
  type        = bool
  default     = false
}

variable "ops_pagerduty_enabled" {
  description = "Send operations alerts to the PagerDuty routing key in secret ops-pagerduty-routing-key."
  type        = bool
  default     = false
}

variable "dead_letter_max_attempts" {
  description = "Deliveries before Pub/Sub dead-letters a message (keep equal to config selfops.dead_letter_max_attempts)."
  type        = number
  default     = 5
}

variable "nightly_schedule" {
  description = "When the nightly collection starts (unix-cron, UTC)."
  type        = string
  default     = "0 3 * * *"
}

variable "billing_account" {
  description = "Billing account id the platform's own budget is set on."
  type        = string
}

variable "monthly_budget" {
  description = "The platform's own monthly budget."
  type        = number
}

variable "budget_currency" {
  description = "Currency of the budget (the billing account's)."
  type        = string
  default     = "USD"
}

variable "alert_email" {
  description = "E-mail for alert policy notifications; empty for none."
  type        = string
  default     = ""
}

variable "min_instances" {
  description = "Per-function overrides of the minimum instance count."
  type        = map(number)
  default     = {}
}

variable "max_instances" {
  description = "Per-function overrides of the maximum instance count."
  type        = map(number)
  default     = {}
}

variable "deletion_protection" {
  description = "Protect services, tables and the database from being destroyed by Terraform."
  type        = bool
  default     = true
}

variable "llm_gateway_publishers" {
  description = "IAM members besides the platform's gateway account that may publish LLM usage to the llm-usage topic."
  type        = list(string)
  default     = []
}
