args: token revoke abc --db $DB
exit: 2
