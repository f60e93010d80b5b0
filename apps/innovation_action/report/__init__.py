"""The app's reports: admin pages and exports that read documents and write none (as Frappe's reports)."""
