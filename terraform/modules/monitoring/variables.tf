variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "project_number" {
  description = "The project's number (the budget filters on it)."
  type        = string
}

variable "environment" {
  description = "Environment name (dev, prod)."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of resource names."
  type        = string
}

variable "topic_prefix" {
  description = "Prefix of topic ids (config pubsub.topic_prefix)."
  type        = string
}

variable "service_names" {
  description = "Cloud Run service name of each function."
  type        = map(string)
}

variable "billing_account" {
  description = "Billing account id (XXXXXX-XXXXXX-XXXXXX) the platform's own budget is set on."
  type        = string
}

variable "monthly_budget" {
  description = "The platform's own monthly budget, in budget_currency units."
  type        = number
}

variable "budget_currency" {
  description = "Currency of monthly_budget (the billing account's currency)."
  type        = string
  default     = "USD"
}

variable "budget_thresholds" {
  description = "Fractions of the monthly budget that notify (actual spend)."
  type        = list(number)
  default     = [0.5, 0.75, 0.9, 1.0]
}

variable "alert_email" {
  description = "E-mail that receives the alert policies' notifications; empty for none."
  type        = string
  default     = ""
}

variable "function_error_threshold" {
  description = "Error log entries per 5 minutes, per function, that open an incident."
  type        = number
  default     = 5
}
