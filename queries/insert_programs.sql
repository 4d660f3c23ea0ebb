-- Copy the validated CSV rows (all text, registered as `incoming`) into `programs`.
-- incoming.search_text and incoming.word_bits come from gme/search.py, which
-- makes the search box's words too, so that both sides agree by construction.
INSERT INTO programs
SELECT
    CAST(row_number AS INTEGER),
    program_id,
    name,
    program_type,
    discipline,
    NULLIF(trim(specialty), ''),
    NULLIF(trim(department), ''),
    NULLIF(trim(site), ''),
    NULLIF(trim(accreditation), ''),
    CAST(NULLIF(trim(positions), '') AS INTEGER),
    CAST(NULLIF(trim(length_years), '') AS INTEGER),
    NULLIF(trim(director), ''),
    NULLIF(trim(aliases), ''),
    search_text,
    CAST(word_bits AS UBIGINT)
FROM incoming
