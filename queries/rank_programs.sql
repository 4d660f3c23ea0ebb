-- The loaded programs' ids (rowid) in the explorer table's order: by type (in
-- the order of gme.schema.PROGRAM_TYPES), then name, then program_id (unique, so
-- no ties). Run once, after every row is in and checked. A table made by
-- CREATE TABLE ... AS with ORDER BY stores its rows in that order (the tests of
-- the stored order check it), so a program's place in the order is its rowid
-- here, from 0;
-- insert_ordered_programs.sql then copies the programs into a new table in this
-- order, a slice at a time. The explorer's queries rely on that order without
-- sorting (explorer_programs.sql). A plain sort, not a row_number() window:
-- 100,000 programs, about 20 MB less at its peak and half the time.
-- id (the loaded row's rowid)
CREATE TABLE program_ranks AS
SELECT rowid AS id
FROM programs
ORDER BY list_position(['Residency', 'Fellowship', 'Practicum',
                        'Training program', 'Degree program'],
                       program_type),
         name, program_id
