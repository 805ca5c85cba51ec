/*
** web_socsec.h: the social security calculator on the web: JSON API under
** /api/v1/socsec and the HTML calculator at /socsec (web_socsec.c). The engine is
** socsec.c; policy checks happen in the dispatcher.
*/
#ifndef LMIS_WEB_SOCSEC_H
#define LMIS_WEB_SOCSEC_H
#include "http.h"

int api_socsec_compute(Request *r);      /* POST /api/v1/socsec/compute (JSON body as `lmis socsec compute`) */
int api_socsec_schemes(Request *r);      /* GET /api/v1/socsec/schemes */
int api_socsec_instruments(Request *r);  /* GET /api/v1/socsec/instruments */
int page_socsec_form(Request *r);        /* GET /socsec: the calculator */
int page_socsec_post(Request *r);        /* POST /socsec: the result with every step */
#endif
