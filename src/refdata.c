/* refdata.c: being written */
