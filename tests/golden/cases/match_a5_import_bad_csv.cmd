args: seeker import - --format csv --db $DB
stdin: ref,sex,citizenship,residence,isced,destinations\nG-S1,F,PH,PH,3,DE\nG-S2,F,PH,PH,3,DE;XX\n
exit: 1
