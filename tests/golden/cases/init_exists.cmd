args: init --db $DB
exit: 1
