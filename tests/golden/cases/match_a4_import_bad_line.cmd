args: vacancy import - --format jsonl --db $DB
stdin: {"ref":"G-1","employer":"E","country":"DE","isco":"7212","valid_until":"2030-01-01"}\n\n{"ref":"G-2","employer":"E","country":"DE","isco":"7212","valid_until":"2030-01-01","languages":[{"lang":"de","level":"B7"}]}\n
exit: 1
