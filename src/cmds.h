/*
** cmds.h: CLI command handlers, one per row of the table in cli.c.
*/
#ifndef LMIS_CMDS_H
#define LMIS_CMDS_H
#include "cli.h"

/* cmd_core.c */
int cmd_help(CliCtx *c);
int cmd_version(CliCtx *c);
int cmd_init(CliCtx *c);
int cmd_serve(CliCtx *c);
/* cmd_user.c */
int cmd_user_add(CliCtx *c);
int cmd_user_list(CliCtx *c);
int cmd_user_disable(CliCtx *c);
int cmd_user_passwd(CliCtx *c);
int cmd_token_create(CliCtx *c);
int cmd_token_list(CliCtx *c);
int cmd_token_revoke(CliCtx *c);
/* cmd_ref.c */
int cmd_isco_show(CliCtx *c);
int cmd_isco_search(CliCtx *c);
int cmd_isco_list(CliCtx *c);
int cmd_esco_search(CliCtx *c);
int cmd_esco_show(CliCtx *c);
int cmd_country_list(CliCtx *c);
/* cmd_survey.c */
int cmd_survey_import(CliCtx *c);
int cmd_survey_list(CliCtx *c);
int cmd_survey_show(CliCtx *c);
int cmd_survey_drop(CliCtx *c);
/* cmd_estimate.c */
int cmd_survey_estimate(CliCtx *c);
/* cmd_stats.c */
int cmd_indicator_list(CliCtx *c);
int cmd_indicator_compute(CliCtx *c);
int cmd_sdmx_import(CliCtx *c);
int cmd_sdmx_export(CliCtx *c);
int cmd_sdmx_structure(CliCtx *c);
int cmd_aggregate_list(CliCtx *c);
#endif
