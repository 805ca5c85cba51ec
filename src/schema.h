/*
** schema.h: numbered schema migrations. Migration i (0-based) brings a database
** from PRAGMA user_version i to i+1. Never edit a released migration; add one.
*/
#ifndef LMIS_SCHEMA_H
#define LMIS_SCHEMA_H
int schema_migration_count(void);
const char *schema_migration(int i);   /* static string */
#endif
