args: corridor PH DE --db $DB
exit: 0
