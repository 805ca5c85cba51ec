args: vacancy show 79 --db $DB
exit: 0
