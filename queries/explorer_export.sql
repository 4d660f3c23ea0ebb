-- Every filtered program for the explorer's "Download CSV": the catalog's columns
-- (no internal ones), in the table's order. NULL = not stated (an empty cell).
-- program_id | name | program_type | discipline | specialty | ... | aliases
SELECT program_id, name, program_type, discipline, specialty, department, site,
       accreditation, positions, length_years, director, aliases
FROM filtered_programs(
    CAST($types AS VARCHAR[]), CAST($disciplines AS VARCHAR[]),
    CAST($departments AS VARCHAR[]), CAST($specialties AS VARCHAR[]),
    CAST($sites AS VARCHAR[]), CAST($accreditations AS VARCHAR[]), $search)
ORDER BY list_position(['Residency', 'Fellowship', 'Practicum', 'Training program',
                        'Degree program'], program_type), name, program_id
