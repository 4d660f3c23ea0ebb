-- Programs per type, largest first: program_type | programs
SELECT program_type, count(*) AS programs
FROM programs
GROUP BY program_type
ORDER BY programs DESC, program_type
