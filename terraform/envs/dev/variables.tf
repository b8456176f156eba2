variable "project_id" {
  description = "The dev project."
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
  description = "Billing account of the dev project (for its budget)."
  type        = string
}

variable "monthly_budget" {
  description = "Monthly budget of the dev deployment itself."
  type        = number
  default     = 100
}

variable "dashboard_url" {
  description = "Base URL of the dev dashboard (links in alerts)."
  type        = string
  default     = "https://dev.costmon.example"
}

variable "alert_email" {
  description = "Who gets dev alert notifications; empty for none."
  type        = string
  default     = ""
}
