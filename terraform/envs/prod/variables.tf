variable "project_id" {
  description = "The prod project."
  type        = string
}

variable "region" {
  description = "Region of the functions."
  type        = string
  default     = "europe-west1"
}

variable "image" {
  description = "The functions' image (pinned by digest), built from the source archive."
  type        = string
}

variable "billing_account" {
  description = "Billing account of the prod project (for its budget)."
  type        = string
}

variable "monthly_budget" {
  description = "Monthly budget of the production deployment itself."
  type        = number
  default     = 1000
}

variable "dashboard_url" {
  description = "Base URL of the dashboard (links in alerts)."
  type        = string
  default     = "https://costmon.example"
}

variable "alert_email" {
  description = "Who gets production alert notifications."
  type        = string
}

variable "cors_origins" {
  description = "Origins of the production dashboards."
  type        = list(string)
  default     = ["https://costmon.example"]
}
