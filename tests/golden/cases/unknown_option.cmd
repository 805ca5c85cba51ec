args: isco show 2221 --frob --db $DB
exit: 2
