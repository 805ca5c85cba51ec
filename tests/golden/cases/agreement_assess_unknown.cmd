args: agreement assess mercosur-social-security-1997 nope met --db $DB
exit: 1
