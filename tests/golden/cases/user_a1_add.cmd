args: user add bob --role migrant --password-stdin --db $DB
exit: 0
stdin: a-long-password-1
