variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "region" {
  description = "Region of the bucket and the image repository (the functions' region)."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of resource names."
  type        = string
}

variable "source_retention_days" {
  description = "Days an uploaded source archive is kept."
  type        = number
  default     = 90
}
