/* sdmx.c: being written */
