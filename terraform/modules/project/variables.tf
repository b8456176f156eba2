variable "project_id" {
  description = "The Google Cloud project the platform runs in (one project per environment)."
  type        = string
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
