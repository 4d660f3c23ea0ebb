-- The typed catalog table. Vocabularies match gme/schema.py and data/README.md.
-- program_id is unique: gme/catalog.py checks that once every row is in
-- (duplicate_program_id.sql). No UNIQUE index on purpose: at 100,000 programs it
-- held about 15 MB of the server's memory for as long as the catalog was loaded.
CREATE TABLE programs (
    row_number    INTEGER NOT NULL,          -- line in the CSV file (header = 1)
    program_id    VARCHAR NOT NULL
                  CHECK (regexp_full_match(program_id, '[a-z0-9]+(-[a-z0-9]+)*')),
    name          VARCHAR NOT NULL CHECK (trim(name) <> ''),
    program_type  VARCHAR NOT NULL CHECK (program_type IN
                  ('Residency', 'Fellowship', 'Practicum', 'Training program',
                   'Degree program')),
    discipline    VARCHAR NOT NULL CHECK (discipline IN
                  ('Physician', 'Pharmacy', 'Nursing', 'Psychology', 'Nutrition',
                   'Administration', 'Clinical research')),
    specialty     VARCHAR,
    department    VARCHAR,
    site          VARCHAR,
    accreditation VARCHAR CHECK (accreditation IN
                  ('ACGME', 'Non-ACGME', 'AOA', 'CODA', 'ASHP', 'APA', 'ACEND',
                   'Other')),
    positions     INTEGER CHECK (positions >= 0),
    length_years  INTEGER CHECK (length_years BETWEEN 1 AND 10),
    director      VARCHAR,
    aliases       VARCHAR,
    search_text   VARCHAR NOT NULL,          -- ' anesthesia cardiac fellowship ':
                                             -- the distinct words of name, specialty
                                             -- and aliases (gme.search.search_text)
    word_bits     UBIGINT NOT NULL           -- gme.search.word_bits of those words:
                                             -- the search's quick first test
)
