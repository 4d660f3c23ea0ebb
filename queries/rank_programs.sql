-- Each loaded program's place in the explorer table's order: by type (in the
-- order of gme.schema.PROGRAM_TYPES), then name, then program_id (unique, so no
-- ties). Run once, after every row is in and checked; insert_ordered_programs.sql
-- then copies the programs into a new table in this order, a slice at a time.
-- The explorer's queries rely on that order without sorting
-- (explorer_programs.sql).
-- id (the loaded row's rowid) | table_rank (1, 2, ...)
CREATE TABLE program_ranks AS
SELECT rowid AS id,
       CAST(row_number() OVER (
           ORDER BY list_position(['Residency', 'Fellowship', 'Practicum',
                                   'Training program', 'Degree program'],
                                  program_type),
                    name, program_id) AS INTEGER) AS table_rank
FROM programs
