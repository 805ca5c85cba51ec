args: isco show 2221 --db $TMP/none.db
exit: 1
