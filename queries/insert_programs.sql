-- Copy the validated CSV rows (all text, registered as `incoming`) into `programs`.
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
    normalize_text(concat_ws(' ', name, specialty, aliases))
FROM incoming
