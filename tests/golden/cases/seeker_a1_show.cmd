args: seeker show 3 --db $DB
exit: 0
