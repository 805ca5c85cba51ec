args: case stats --by state --db $DB
exit: 0
