args: user add bob --role migrant --password-stdin --db $DB
exit: 1
stdin: short
