-- The first repeated program_id, as a row-by-row check would meet it: the row
-- that repeats it (lowest such row) and the row that first used it. No rows when
-- every program_id is unique. Run once after loading (gme/catalog.py); cheaper in
-- memory than a UNIQUE index or a Python set of every id.
-- program_id | repeat_row | first_row
SELECT program_id, row_number AS repeat_row, first_row
FROM (
    SELECT program_id, row_number,
           min(row_number) OVER (PARTITION BY program_id) AS first_row
    FROM programs
)
WHERE row_number > first_row
ORDER BY repeat_row
LIMIT 1
