args: isco search --help
exit: 0
