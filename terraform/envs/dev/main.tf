# Development: everything scales to zero, resources may be destroyed, Firestore and BigQuery in
# the EU. COSTMON_ENV=dev selects config/dev.yaml (debug logs, generous rate limits).
module "platform" {
  source = "../../modules/platform"

  project_id          = var.project_id
  region              = var.region
  environment         = "dev"
  image               = var.image
  firestore_location  = "eur3"
  bigquery_location   = "EU"
  dashboard_url       = var.dashboard_url
  cors_origins        = ["http://localhost:5000"]
  billing_account     = var.billing_account
  monthly_budget      = var.monthly_budget
  alert_email         = var.alert_email
  deletion_protection = false
}
