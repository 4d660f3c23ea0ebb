-- The filtered programs: catalog columns only (no internal ones), by type (in the
-- order of gme.schema.PROGRAM_TYPES), then name, then program_id: the order the
-- catalog table is stored in (rank_programs.sql), which DuckDB keeps, so no
-- ORDER BY (insert_ordered_programs.sql says why).
-- $row_limit caps the rows: the explorer's table reads the first
-- gme.explorer.TABLE_ROWS, the CSV download passes NULL for every row. NULL in a
-- column = not stated.
-- program_id | name | program_type | discipline | specialty | ... | aliases
SELECT program_id, name, program_type, discipline, specialty, department, site,
       accreditation, positions, length_years, director, aliases
FROM filtered_programs(
    CAST($types AS VARCHAR[]), CAST($disciplines AS VARCHAR[]),
    CAST($departments AS VARCHAR[]), CAST($specialties AS VARCHAR[]),
    CAST($sites AS VARCHAR[]), CAST($accreditations AS VARCHAR[]),
    CAST($search_words AS VARCHAR[]), CAST($search_bits AS UBIGINT))
LIMIT $row_limit
