"""The web service of ``ita-checker serve``: self-check page, job pages and downloads."""
