args: ratification list --country PHL --db $DB
exit: 0
