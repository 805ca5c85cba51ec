args: vacancy import $ROOT/data/samples/vacancies.jsonl --db $DB
exit: 0
