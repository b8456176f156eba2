variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "region" {
  description = "Cloud Scheduler region (the functions' region)."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of the job names."
  type        = string
}

variable "service_names" {
  description = "Kebab-case name of each function."
  type        = map(string)
}

variable "service_uris" {
  description = "URL of each function's Cloud Run service."
  type        = map(string)
}

variable "scheduler_service_accounts" {
  description = "Caller identity e-mail of each scheduled function."
  type        = map(string)
}

variable "oidc_audiences" {
  description = "OIDC audience each scheduled function accepts."
  type        = map(string)
}

variable "topic_ids" {
  description = "Full id of each topic, by unprefixed name."
  type        = map(string)
}

variable "scheduler_service_agent" {
  description = "The project's Cloud Scheduler service agent (publishes Pub/Sub targets)."
  type        = string
}

variable "nightly_topic" {
  description = "The topic that starts the nightly collection (domain/nightly/messages.ts TOPICS.nightlyCollect)."
  type        = string
  default     = "nightly-collect"
}

variable "nightly_schedule" {
  description = "When the nightly collection starts (unix-cron, in nightly_time_zone)."
  type        = string
  default     = "0 3 * * *"
}

variable "nightly_time_zone" {
  description = "Time zone of nightly_schedule."
  type        = string
  default     = "Etc/UTC"
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
