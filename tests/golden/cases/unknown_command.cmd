args: frobnicate
exit: 2
