variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "topic_prefix" {
  description = "Prefix of every topic and subscription id (config pubsub.topic_prefix)."
  type        = string
}

variable "base_topics" {
  description = "Topics the functions use, without dead-letter twins (modules/catalog)."
  type        = set(string)
}

variable "service_names" {
  description = "Kebab-case name of each function."
  type        = map(string)
}

variable "function_service_accounts" {
  description = "Runtime service account e-mail of each function (publishers)."
  type        = map(string)
}

variable "push_service_accounts" {
  description = "Push identity e-mail of each Pub/Sub function."
  type        = map(string)
}

variable "service_uris" {
  description = "URL of each function's Cloud Run service (push endpoints)."
  type        = map(string)
}

variable "oidc_audiences" {
  description = "OIDC audience each event function accepts."
  type        = map(string)
}

variable "pubsub_service_agent" {
  description = "The project's Pub/Sub service agent e-mail."
  type        = string
}

variable "dead_letter_max_attempts" {
  description = "Deliveries of a message before Pub/Sub moves it to the dead-letter twin (config selfops.dead_letter_max_attempts; 5 to 100)."
  type        = number
  validation {
    condition     = var.dead_letter_max_attempts >= 5 && var.dead_letter_max_attempts <= 100
    error_message = "Pub/Sub takes 5 to 100 delivery attempts."
  }
}

variable "message_retention" {
  description = "How long a subscription keeps unacknowledged messages."
  type        = string
  default     = "604800s"
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

variable "gateway_topics" {
  description = "Topics publishers outside the platform write to (modules/catalog gateway_topics)."
  type        = set(string)
  default     = []
}

variable "gateway_publishers" {
  description = "More IAM members (e.g. serviceAccount:gw@tenant-project.iam.gserviceaccount.com) that may publish to the gateway topics."
  type        = list(string)
  default     = []
}
