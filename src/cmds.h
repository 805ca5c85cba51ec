/*
** cmds.h: CLI command handlers, one per row of the table in cli.c.
*/
#ifndef LMIS_CMDS_H
#define LMIS_CMDS_H
#include "cli.h"

/* cmd_audit.c */
int cmd_audit_list(CliCtx *c);
int cmd_audit_verify(CliCtx *c);
int cmd_audit_head(CliCtx *c);
/* cmd_case.c */
int cmd_case_file(CliCtx *c);
int cmd_case_track(CliCtx *c);
int cmd_case_show(CliCtx *c);
int cmd_case_queue(CliCtx *c);
int cmd_case_assign(CliCtx *c);
int cmd_case_move(CliCtx *c);
int cmd_case_note(CliCtx *c);
int cmd_case_refer(CliCtx *c);
int cmd_case_search(CliCtx *c);
int cmd_case_stats(CliCtx *c);
int cmd_case_escalate(CliCtx *c);
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
/* cmd_socsec.c */
int cmd_socsec_compute(CliCtx *c);
int cmd_socsec_schemes(CliCtx *c);
int cmd_socsec_instruments(CliCtx *c);
/* cmd_match.c */
int cmd_seeker_import(CliCtx *c);
int cmd_seeker_export(CliCtx *c);
int cmd_seeker_list(CliCtx *c);
int cmd_seeker_show(CliCtx *c);
int cmd_vacancy_import(CliCtx *c);
int cmd_vacancy_export(CliCtx *c);
int cmd_vacancy_list(CliCtx *c);
int cmd_vacancy_show(CliCtx *c);
int cmd_arrangement_import(CliCtx *c);
int cmd_arrangement_list(CliCtx *c);
int cmd_match_seeker(CliCtx *c);
int cmd_match_vacancy(CliCtx *c);
int cmd_match_batch(CliCtx *c);
int cmd_needs(CliCtx *c);
/* cmd_recruit.c */
int cmd_agency_import(CliCtx *c);
int cmd_agency_check(CliCtx *c);
int cmd_agency_show(CliCtx *c);
int cmd_agency_list(CliCtx *c);
int cmd_agency_status(CliCtx *c);
int cmd_cost_import(CliCtx *c);
int cmd_cost_sdg(CliCtx *c);
int cmd_review_list(CliCtx *c);
int cmd_review_moderate(CliCtx *c);
#endif
