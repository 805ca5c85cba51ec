args: isco search électricien --limit 3 --db $DB
exit: 0
