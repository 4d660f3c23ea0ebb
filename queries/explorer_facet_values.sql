-- Every value each explorer filter can take in the catalog, whatever is selected:
-- the options of the multiselects and the allow-list for values read from the URL.
-- '' stands for "Not stated" (the column is empty for some programs).
-- facet | value        (facet: type, discipline, department, specialty, site,
--                       accreditation; the same keys as gme.filters.FACETS)
SELECT DISTINCT 'type' AS facet, program_type AS value FROM programs
UNION ALL
SELECT DISTINCT 'discipline', discipline FROM programs
UNION ALL
SELECT DISTINCT 'department', coalesce(department, '') FROM programs
UNION ALL
SELECT DISTINCT 'specialty', coalesce(specialty, '') FROM programs
UNION ALL
SELECT DISTINCT 'site', coalesce(site, '') FROM programs
UNION ALL
SELECT DISTINCT 'accreditation', coalesce(accreditation, '') FROM programs
ORDER BY facet, value
