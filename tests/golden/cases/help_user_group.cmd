args: user --help
exit: 0
