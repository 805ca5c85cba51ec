args: help isco show
exit: 0
