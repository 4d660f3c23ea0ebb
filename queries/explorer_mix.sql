-- The program mix of the filtered programs, pre-aggregated for the explorer's
-- figures and charts (by type and discipline, per department, the type ->
-- department hierarchy): one small row per combination that occurs.
-- program_type | discipline | department ('' = not stated) | programs
SELECT program_type, discipline, coalesce(department, '') AS department,
       count(*) AS programs
FROM filtered_programs(
    CAST($types AS VARCHAR[]), CAST($disciplines AS VARCHAR[]),
    CAST($departments AS VARCHAR[]), CAST($specialties AS VARCHAR[]),
    CAST($sites AS VARCHAR[]), CAST($accreditations AS VARCHAR[]),
    CAST($search_words AS VARCHAR[]), CAST($search_bits AS UBIGINT))
GROUP BY ALL
ORDER BY program_type, discipline, department
