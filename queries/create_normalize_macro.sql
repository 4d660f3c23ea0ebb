-- normalize_text(s): lower-case words separated by single spaces, padded with one
-- space each side, so ' ' || word finds a word start: 'Heme/Onc' -> ' heme onc '.
CREATE MACRO normalize_text(s) AS
    ' ' || trim(regexp_replace(lower(coalesce(s, '')), '[^a-z0-9]+', ' ', 'g')) || ' '
