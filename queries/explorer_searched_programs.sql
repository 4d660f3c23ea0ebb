-- A small catalog's programs that pass the search, in the table's order (type,
-- name, program_id: the order the catalog is stored in, rank_programs.sql; as
-- explorer_programs.sql), every column. For a catalog of up to
-- gme.explorer.ONE_QUERY_ROWS programs this is the only query of a filter state
-- (gme.explorer.one_query_state), and its rows depend on the search alone:
-- gme.app_data caches them per search, and gme.explorer tests the facet filters
-- on them in Python (facet_flags, the filtered_programs macro's own facet tests),
-- so a facet change with the same search runs no query. The programs passing
-- all six facets are the table and, grouped, the mix; those passing all but one
-- facet give that facet's counts (as explorer_facet_counts.sql).
-- tests/unit/test_properties.py checks that this path and the three queries it
-- stands in for always agree. The columns are gme.schema.COLUMN_NAMES, in order
-- (tests/unit/test_explorer_state.py checks it).
-- program_id | name | program_type | ... | director | aliases
SELECT program_id, name, program_type, discipline, specialty, department, site,
       accreditation, positions, length_years, director, aliases
FROM filtered_programs(
    CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]),
    CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]),
    CAST($search_words AS VARCHAR[]), CAST($search_bits AS UBIGINT))
