-- Copy the programs ranked $first to $last (rank_programs.sql) into
-- ordered_programs, in rank order. gme/catalog.py copies every program this way,
-- a slice at a time, and then gives ordered_programs the name `programs`.
-- Why: DuckDB returns a single table's rows in the order they were stored, through
-- WHERE and LIMIT too (https://duckdb.org/docs/2.0/sql/dialect/order_preservation.html;
-- preserve_insertion_order, which gme/catalog.py sets and locks). So the
-- explorer's table query needs no ORDER BY: it stops scanning once it has the
-- first $row_limit programs, instead of sorting every program that passes
-- (100,000 programs, the table query of a one-department filter: 28 -> 10 ms;
-- docs/PERFORMANCE.md, item 34). A slice at a time: one sort of every program
-- held about 54 MB more at its peak, 5,000 at a time about 10 MB.
INSERT INTO ordered_programs
SELECT programs.*
FROM programs
JOIN program_ranks ON programs.rowid = program_ranks.id
WHERE table_rank BETWEEN $first AND $last
ORDER BY table_rank
