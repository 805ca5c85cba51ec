/*
** web_notify.h: the notification outbox over HTTP (web_notify.c): the JSON list
** (administrators; labour inspectors for their own cases; never the immigration
** officer), retry, and the administrators' outbox page. notify.c decides.
*/
#ifndef LMIS_WEB_NOTIFY_H
#define LMIS_WEB_NOTIFY_H
#include "http.h"
int api_notifications(Request *r);              /* GET  /api/v1/notifications?state=&limit= */
int api_notification_retry(Request *r);         /* POST /api/v1/notifications/{id}/retry */
int page_admin_notifications(Request *r);       /* GET  /admin/notifications?state= */
int page_admin_notification_retry(Request *r);  /* POST /admin/notifications/{id}/retry (form) */
#endif
