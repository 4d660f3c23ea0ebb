-- A small catalog's whole filter state in one query (gme.explorer.one_query_state,
-- catalogs of up to gme.explorer.ONE_QUERY_ROWS programs): every program that
-- passes the search, in the table's order (type, name, program_id: the order the
-- catalog is stored in, rank_programs.sql; as explorer_programs.sql), with one
-- flag per facet filter, true when the program passes it. The programs passing
-- all six are the table and, grouped, the mix; those passing all but one
-- facet's flag give that facet's counts (as explorer_facet_counts.sql). The
-- flags are the filtered_programs macro's own tests (an empty list = no filter,
-- '' = "Not stated"); tests/unit/test_properties.py checks that this query and
-- the three it stands in for always agree. The columns' order is gme.explorer's
-- SEARCHED_COLUMNS (tests/unit/test_explorer_state.py checks it).
-- program_id | name | ... | aliases | in_type | in_discipline | ... | in_accreditation
SELECT program_id, name, program_type, discipline, specialty, department, site,
       accreditation, positions, length_years, director, aliases,
       len($types) = 0 OR list_contains($types, program_type)         AS in_type,
       len($disciplines) = 0 OR list_contains($disciplines, discipline)
                                                                      AS in_discipline,
       len($departments) = 0
           OR list_contains($departments, coalesce(department, ''))   AS in_department,
       len($specialties) = 0
           OR list_contains($specialties, coalesce(specialty, ''))    AS in_specialty,
       len($sites) = 0 OR list_contains($sites, coalesce(site, ''))   AS in_site,
       len($accreditations) = 0
           OR list_contains($accreditations, coalesce(accreditation, ''))
                                                                      AS in_accreditation
FROM filtered_programs(
    CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]),
    CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]), CAST([] AS VARCHAR[]),
    CAST($search_words AS VARCHAR[]), CAST($search_bits AS UBIGINT))
