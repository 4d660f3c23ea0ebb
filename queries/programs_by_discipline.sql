-- Programs per trainee discipline, largest first: discipline | programs
SELECT discipline, count(*) AS programs
FROM programs
GROUP BY discipline
ORDER BY programs DESC, discipline
