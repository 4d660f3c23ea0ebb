-- Data completeness of the filtered programs: for each catalog column, how many of
-- them have a value and how many do not, with the names of up to 50 of those that do
-- not (alphabetical), so the GME office sees what to fill in.
-- column_name | with_value | missing | missing_programs (VARCHAR[], at most 50)
WITH filtered AS (
    SELECT name AS program, program_id, name, program_type, discipline, specialty,
           department, site, accreditation,
           CAST(positions AS VARCHAR) AS positions,
           CAST(length_years AS VARCHAR) AS length_years, director, aliases
    FROM filtered_programs(
        CAST($types AS VARCHAR[]), CAST($disciplines AS VARCHAR[]),
        CAST($departments AS VARCHAR[]), CAST($specialties AS VARCHAR[]),
        CAST($sites AS VARCHAR[]), CAST($accreditations AS VARCHAR[]),
        CAST($search_words AS VARCHAR[]), CAST($search_bits AS UBIGINT))
),
cells AS (
    SELECT program, column_name, value
    FROM filtered UNPIVOT INCLUDE NULLS (value FOR column_name IN (
        program_id, name, program_type, discipline, specialty, department, site,
        accreditation, positions, length_years, director, aliases))
)
SELECT column_name,
       count(value)            AS with_value,
       count(*) - count(value) AS missing,
       coalesce(min(program, 50) FILTER (WHERE value IS NULL), []) AS missing_programs
FROM cells
GROUP BY column_name
ORDER BY column_name
