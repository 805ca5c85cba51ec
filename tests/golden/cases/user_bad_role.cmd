args: user add bob --role pirate --db $DB
exit: 2
