args: user
exit: 2
