args: vacancy import - --format csv --db $DB
stdin: ref,employer,country,isco,valid_untill\n
exit: 1
