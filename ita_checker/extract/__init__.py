"""Text extraction from fetched bytes (HTML, PDF, Office, images) into Document records."""
