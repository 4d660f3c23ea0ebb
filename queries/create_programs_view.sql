-- programs as every query sees it. The table lives in the attached, compressed
-- database `catalog` (gme/catalog.py); a cursor starts in the default database,
-- where this view (and the filtered_programs macro) make `programs` mean that
-- table. Without it each query's cursor first ran `USE catalog`: one statement
-- more, and one more wait for the GIL, per query.
-- Keep it a plain SELECT of the one table: explorer_programs.sql relies on it
-- returning the rows in the order they are stored (rank_programs.sql).
CREATE VIEW memory.main.programs AS SELECT * FROM catalog.main.programs
