/*
** api.h: handlers of the JSON API under /api/v1 (api.c).
*/
#ifndef LMIS_API_H
#define LMIS_API_H
#include "http.h"

int api_health(Request *r);            /* GET  /api/v1/health */
int api_openapi(Request *r);           /* GET  /api/v1/openapi.json */
int api_isco_list(Request *r);         /* GET  /api/v1/isco?level=&parent=&q= */
int api_isco_get(Request *r);          /* GET  /api/v1/isco/{code} */
int api_esco_occupations(Request *r);  /* GET  /api/v1/esco/occupations?q=&limit= */
int api_esco_occupation(Request *r);   /* GET  /api/v1/esco/occupations/{id} */
int api_countries(Request *r);         /* GET  /api/v1/countries */
int api_login(Request *r);             /* POST /api/v1/login  {username,password} */
int api_logout(Request *r);            /* POST /api/v1/logout */
int api_me(Request *r);                /* GET  /api/v1/me */
int api_surveys(Request *r);            /* GET  /api/v1/surveys */
int api_survey(Request *r);             /* GET  /api/v1/surveys/{name} */
int api_indicators(Request *r);         /* GET  /api/v1/indicators */
int api_indicator(Request *r);          /* GET  /api/v1/indicators/{id}?survey=&by=&format= */
int api_aggregates(Request *r);         /* GET  /api/v1/aggregates?area=&counterpart=&indicator=... */
int api_sdmx_data(Request *r);          /* GET  /sdmx/data/{flow}[/{key}] */
#endif
