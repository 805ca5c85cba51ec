/* indicator.c: being written */
