args: init --db $TMP/bad.db --data $BADDATA
exit: 1
