-- filtered_programs(...): the catalog rows that pass every filter.
-- Each list argument is a VARCHAR[]; an empty list means "no filter". The empty
-- string '' in a list stands for "Not stated". The search: every one of
-- search_words must start a word of the program's name, specialty or aliases
-- (gme/search.py makes both sides' words).
-- Keep it a SELECT of the one table with a WHERE (no JOIN, GROUP BY or sample):
-- explorer_programs.sql relies on it returning the rows in the order they are
-- stored (rank_programs.sql).
CREATE MACRO filtered_programs(types, disciplines, departments, specialties, sites,
                               accreditations, search_words, search_bits) AS TABLE
SELECT *
FROM programs
WHERE (len(types) = 0 OR list_contains(types, program_type))
  AND (len(disciplines) = 0 OR list_contains(disciplines, discipline))
  AND (len(departments) = 0 OR list_contains(departments, coalesce(department, '')))
  AND (len(specialties) = 0 OR list_contains(specialties, coalesce(specialty, '')))
  AND (len(sites) = 0 OR list_contains(sites, coalesce(site, '')))
  AND (len(accreditations) = 0
       OR list_contains(accreditations, coalesce(accreditation, '')))
  -- The search: search_words (VARCHAR[], from gme.search.words; [] = no search)
  -- and search_bits (their gme.search.word_bits). No search: the test folds to
  -- true before the scan (100,000 programs: 36 -> 24 ms for the explorer's three
  -- queries of the time, one department chosen). The first three words are each
  -- a plain contains(); a lambda over the words is left for a longer search (a
  -- lambda for every search kept DuckDB from filtering in the scan: a two-word
  -- search, 100,000 programs, 21-35 -> 7 ms a scan). The bound facet lists
  -- fold to constants before the scan, which leaves one of two tests:
  -- - no facet filter: the text is tested only where the program's word_bits
  --   hold every search bit (the CASE fixes that order). Written as a plain AND,
  --   DuckDB tests contains() in the scan, on every row, and the bits after it;
  -- - a facet filter: contains() alone, which DuckDB tests in the scan after
  --   the facet's own test, on the rows that passed it (testing the bits first
  --   there made the scan return every column of those rows: slower).
  -- The bits are also tested on their own, which DuckDB does after the scan and
  -- before the lambda of a longer search. docs/PERFORMANCE.md, item 27, has the
  -- figures.
  AND (search_bits = 0 OR (word_bits & search_bits) = search_bits)
  AND (len(search_words) = 0
       OR CASE WHEN len(types) + len(disciplines) + len(departments)
                    + len(specialties) + len(sites) + len(accreditations) = 0
                    AND search_bits <> 0  -- one-letter words have no bit
                    AND (word_bits & search_bits) <> search_bits
               THEN false
               ELSE (len(search_words) < 1
                     OR contains(search_text, ' ' || search_words[1]))
                AND (len(search_words) < 2
                     OR contains(search_text, ' ' || search_words[2]))
                AND (len(search_words) < 3
                     OR contains(search_text, ' ' || search_words[3]))
          END)
  AND (len(search_words) <= 3
       OR list_bool_and(list_transform(search_words,
                                       lambda word: contains(search_text, ' ' || word))))
