variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "location" {
  description = "Location of every dataset (config bigquery.location)."
  type        = string
}

variable "cost_dataset" {
  description = "Id of the ledger dataset (config bigquery.cost_dataset)."
  type        = string
}

variable "staging_dataset" {
  description = "Id of the staging dataset (config bigquery.staging_dataset)."
  type        = string
}

variable "audit_retention_days" {
  description = "Days an audit_logs partition is kept (2,555 days: seven years)."
  type        = number
  default     = 2555
}

variable "function_service_accounts" {
  description = "Runtime service account e-mail of each function."
  type        = map(string)
}

variable "deletion_protection" {
  description = "Refuse to destroy the tables from Terraform."
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
    llm_ledger      = bool
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
