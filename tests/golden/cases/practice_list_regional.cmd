args: practice list --regional-body ASEAN --db $DB
exit: 0
