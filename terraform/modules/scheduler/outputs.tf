output "jobs" {
  description = "Names of the Cloud Scheduler jobs."
  value       = concat([google_cloud_scheduler_job.nightly.name], [for j in google_cloud_scheduler_job.function : j.name])
}
