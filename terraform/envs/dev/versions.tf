terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.50"
    }
  }

  # State lives in a GCS bucket made once per organisation or project (README, "Deploying to
  # Google Cloud"): terraform init -backend-config="bucket=<state bucket>".
  backend "gcs" {
    prefix = "costmon/dev"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
  # Billing budgets are created through the Billing Budgets API, which needs a quota project.
  user_project_override = true
  billing_project       = var.project_id
}
