args: vacancy list --isco 2221 --db $DB
exit: 0
