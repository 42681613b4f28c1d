"""A center set up in an afternoon: the first-run page, the Excel import, the checklist."""
