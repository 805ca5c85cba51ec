args: agreement compare mercosur-social-security-1997 --db $DB
exit: 0
