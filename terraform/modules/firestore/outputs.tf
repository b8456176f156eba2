output "database" {
  description = "The Firestore database name."
  value       = google_firestore_database.default.name
}

output "index_count" {
  description = "Composite indexes deployed from firestore.indexes.json."
  value       = length(local.index_map)
}
