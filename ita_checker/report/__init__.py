"""Reports built from result dicts: per-agency HTML page and XLSX workbook."""
