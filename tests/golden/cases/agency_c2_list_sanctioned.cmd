args: agency list --sanctioned --db $DB
exit: 0
