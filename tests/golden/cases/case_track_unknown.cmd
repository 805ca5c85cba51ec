args: case track ABCD-EFGH-JKMN-PQRS --db $DB
exit: 1
