"""Reports built from result dicts: the agency page, workbook, letter (PDF) and form; the province page and workbook."""
