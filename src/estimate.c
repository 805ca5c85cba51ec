/* estimate.c: being written */
