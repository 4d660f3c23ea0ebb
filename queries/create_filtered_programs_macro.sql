-- filtered_programs(...): the catalog rows that pass every filter.
-- Each list argument is a VARCHAR[]; an empty list means "no filter". The empty
-- string '' in a list stands for "Not stated". The search: every one of
-- search_words must start a word of the program's name, specialty or aliases
-- (gme/search.py makes both sides' words).
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
  -- and search_bits (their gme.search.word_bits). No search: every test below
  -- folds to true before the scan (100,000 programs: 36 -> 24 ms for the
  -- explorer's three queries of the time, one department chosen). Otherwise each
  -- is a filter the scan applies itself, cheapest first: the bits, then a plain
  -- contains() for each of the first three words; a lambda over the words only
  -- for a longer search. A lambda for every search kept DuckDB from pushing the
  -- cheap tests into the scan (a two-word search, 100,000 programs: 21-35 -> 7
  -- ms a scan), and normalising the search in SQL took 2 ms of planning a query.
  AND (search_bits = 0 OR (word_bits & search_bits) = search_bits)
  AND (len(search_words) < 1 OR contains(search_text, ' ' || search_words[1]))
  AND (len(search_words) < 2 OR contains(search_text, ' ' || search_words[2]))
  AND (len(search_words) < 3 OR contains(search_text, ' ' || search_words[3]))
  AND (len(search_words) <= 3
       OR list_bool_and(list_transform(search_words,
                                       lambda word: contains(search_text, ' ' || word))))
