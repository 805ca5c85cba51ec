args: cost sdg --by sex,colour --db $DB
exit: 2
