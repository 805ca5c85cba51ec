/* aggregate.c: being written */
