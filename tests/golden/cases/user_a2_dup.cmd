args: user add BOB --role migrant --password-stdin --db $DB
exit: 1
stdin: a-long-password-1
