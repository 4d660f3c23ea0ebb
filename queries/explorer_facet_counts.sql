-- Facet counts for the explorer's filters, counted the way faceted browsers do:
-- for each facet, the programs that pass the search and every OTHER active filter,
-- grouped by that facet's value ("Fellowship (28)" = choosing Fellowship would show
-- 28 programs). Values that would match nothing are absent here; the explorer lists
-- them with 0 from explorer_facet_values, so no option is silently dropped.
-- The search runs once, through filtered_programs; the facet tests below are the
-- macro's own (an empty list = no filter, '' = "Not stated"), and
-- tests/unit/test_explorer_queries.py checks that both always agree.
-- facet | value | programs
WITH searched AS (
    SELECT program_type, discipline,
           coalesce(department, '')    AS department,
           coalesce(specialty, '')     AS specialty,
           coalesce(site, '')          AS site,
           coalesce(accreditation, '') AS accreditation
    FROM filtered_programs(
        CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]),
        CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]),
        CAST($search_words AS VARCHAR[]), CAST($search_bits AS UBIGINT))
),
flagged AS (
    SELECT *,
        len($types) = 0 OR list_contains($types, program_type)       AS in_type,
        len($disciplines) = 0 OR list_contains($disciplines, discipline)
                                                                     AS in_discipline,
        len($departments) = 0 OR list_contains($departments, department)
                                                                     AS in_department,
        len($specialties) = 0 OR list_contains($specialties, specialty)
                                                                     AS in_specialty,
        len($sites) = 0 OR list_contains($sites, site)               AS in_site,
        len($accreditations) = 0 OR list_contains($accreditations, accreditation)
                                                                     AS in_accreditation
    FROM searched
)
SELECT 'type' AS facet, program_type AS value, count(*) AS programs
FROM flagged
WHERE in_discipline AND in_department AND in_specialty AND in_site
  AND in_accreditation
GROUP BY ALL
UNION ALL
SELECT 'discipline', discipline, count(*)
FROM flagged
WHERE in_type AND in_department AND in_specialty AND in_site AND in_accreditation
GROUP BY ALL
UNION ALL
SELECT 'department', department, count(*)
FROM flagged
WHERE in_type AND in_discipline AND in_specialty AND in_site AND in_accreditation
GROUP BY ALL
UNION ALL
SELECT 'specialty', specialty, count(*)
FROM flagged
WHERE in_type AND in_discipline AND in_department AND in_site AND in_accreditation
GROUP BY ALL
UNION ALL
SELECT 'site', site, count(*)
FROM flagged
WHERE in_type AND in_discipline AND in_department AND in_specialty
  AND in_accreditation
GROUP BY ALL
UNION ALL
SELECT 'accreditation', accreditation, count(*)
FROM flagged
WHERE in_type AND in_discipline AND in_department AND in_specialty AND in_site
GROUP BY ALL
ORDER BY facet, value
