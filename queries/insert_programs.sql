-- Copy the validated CSV rows (all text, registered as `incoming`) into `programs`.
-- search_text: the distinct words of name, specialty and aliases, normalised and
-- sorted (' anesthesia cardiac fellowship '). A search tests each of its words
-- against the starts of these words, so repeats add nothing but bytes to scan:
-- without them the column is about a third shorter (94 -> 61 characters on the
-- real catalog), and so is every search's scan of it.
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
    ' ' || array_to_string(list_sort(list_distinct(string_split(
        trim(normalize_text(concat_ws(' ', name, specialty, aliases))), ' '))), ' ')
        || ' '
FROM incoming
