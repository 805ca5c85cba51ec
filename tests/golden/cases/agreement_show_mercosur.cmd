args: agreement show mercosur-social-security-1997 --db $DB
exit: 0
