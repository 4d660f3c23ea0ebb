-- Copy the loaded programs at places $first to $last of the explorer table's
-- order (from 0: program_ranks.rowid, rank_programs.sql) into a new,
-- empty `programs` table (create_programs_table.sql again, so the same rules
-- hold), in that order. gme/catalog.py renames the loaded table to
-- loaded_programs first, copies every program this way, a slice at a time, and
-- then drops loaded_programs.
-- Why: DuckDB returns a single table's rows in the order they were stored, through
-- WHERE and LIMIT too (https://duckdb.org/docs/2.0/sql/dialect/order_preservation.html;
-- preserve_insertion_order, which gme/catalog.py sets and locks). So the
-- explorer's table query needs no ORDER BY: it stops scanning once it has the
-- first $row_limit programs, instead of sorting every program that passes
-- (100,000 programs, the table query of a one-department filter: 28 -> 10 ms;
-- docs/PERFORMANCE.md, item 34). A slice at a time: one sort of every program
-- held about 54 MB more at its peak, 5,000 at a time about 10 MB.
INSERT INTO programs
SELECT loaded_programs.*
FROM loaded_programs
JOIN program_ranks ON loaded_programs.rowid = program_ranks.id
WHERE program_ranks.rowid BETWEEN $first AND $last
ORDER BY program_ranks.rowid
