-- Headline figures for the home page: one row.
-- programs | residencies | fellowships | other_programs | disciplines | departments
SELECT
    count(*)                                             AS programs,
    count(*) FILTER (WHERE program_type = 'Residency')   AS residencies,
    count(*) FILTER (WHERE program_type = 'Fellowship')  AS fellowships,
    count(*) FILTER (WHERE program_type NOT IN ('Residency', 'Fellowship'))
                                                         AS other_programs,
    count(DISTINCT discipline)                           AS disciplines,
    count(DISTINCT department)                           AS departments
FROM programs
