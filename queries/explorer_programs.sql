-- The filtered programs for the explorer's table: catalog columns only, sorted by
-- type (in the order of gme.schema.PROGRAM_TYPES) then name; at most 1,000 rows,
-- as a table is for reading (the CSV download has them all). NULL = not stated.
-- program_id | name | program_type | discipline | specialty | ... | aliases
SELECT program_id, name, program_type, discipline, specialty, department, site,
       accreditation, positions, length_years, director, aliases
FROM filtered_programs(
    CAST($types AS VARCHAR[]), CAST($disciplines AS VARCHAR[]),
    CAST($departments AS VARCHAR[]), CAST($specialties AS VARCHAR[]),
    CAST($sites AS VARCHAR[]), CAST($accreditations AS VARCHAR[]), $search)
ORDER BY list_position(['Residency', 'Fellowship', 'Practicum', 'Training program',
                        'Degree program'], program_type), name, program_id
LIMIT 1000
