args: review moderate 99 --publish --db $DB
exit: 1
