variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "location" {
  description = "Firestore location (a region such as europe-west1, or a multi-region such as eur3). It cannot change later."
  type        = string
}

variable "indexes_file" {
  description = "firestore.indexes.json, relative to the root module (written by scripts/firestore-indexes.mjs)."
  type        = string
}

variable "rules_file" {
  description = "firestore.rules, relative to the root module."
  type        = string
}

variable "delete_protection" {
  description = "Protect the database against deletion."
  type        = bool
  default     = true
}
