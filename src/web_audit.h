/*
** web_audit.h: the audit log over HTTP (web_audit.c). Admins only (policy
** action audit.read); listing entries is itself audited.
*/
#ifndef LMIS_WEB_AUDIT_H
#define LMIS_WEB_AUDIT_H
#include "http.h"

int api_audit_list(Request *r);    /* GET /api/v1/audit?limit=&action= */
int api_audit_verify(Request *r);  /* GET /api/v1/audit/verify?anchor=SEQ:HASH */
int page_admin_audit(Request *r);  /* GET /admin/audit: chain status and newest entries */
#endif
