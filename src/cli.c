/* cli.c: being written */
