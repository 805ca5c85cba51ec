args: audit verify --anchor 12 --db $DB
exit: 2
