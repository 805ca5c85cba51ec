/*
** web_notify.c: the notification outbox over HTTP. The handlers translate
** between HTTP and notify.c, which applies the policy (who sees which messages)
** and never returns an address or a message text.
*/
#include "web_notify.h"
#include "html.h"
#include "i18n.h"
#include "notify.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *jstr(json_t *o, const char *zKey) { return json_string_value(json_object_get(o, zKey)); }

/* ?state= as given (notify_list checks it), or NULL when absent or empty. */
static const char *state_param(Request *r) {
  const char *z = req_query(r, "state");
  return z && z[0] ? z : NULL;
}

static int id_param(Request *r, int64_t *pId) {
  char z[24];
  long long v;
  size_t n = r->nParam > 0 ? strcspn(r->azParam[0], "/") : 0;
  if (n == 0 || n >= sizeof z) goto bad_id;
  memcpy(z, r->azParam[0], n);
  z[n] = 0;
  if (parse_int(z, 1, INT64_MAX, &v) == 0) {
    *pId = v;
    return 0;
  }
bad_id:
  req_fail(r, ERR_INVALID, "a notification is named by its number");
  err_where(&r->err, "id");
  return -1;
}

int api_notifications(Request *r) {
  Err e = ERR_INIT;
  long long nLimit;
  json_t *j;
  if (req_query_int(r, "limit", 1, 1000, 50, &nLimit)) return -1;
  if (!(j = notify_list(r->store, &r->who, state_param(r), (int)nLimit, &e))) return req_fail_with(r, &e);
  resp_json(r, 200, j);
  return 0;
}

int api_notification_retry(Request *r) {
  Err e = ERR_INIT;
  int64_t id;
  json_t *j;
  if (id_param(r, &id)) return -1;
  if (!(j = notify_retry(r->store, &r->who, id, r->zAddr, &e))) return req_fail_with(r, &e);
  resp_json(r, 200, j);
  return 0;
}

static void put_time(Buf *b, json_t *v) {
  char z[32];
  html_printf(b, "%s", json_is_integer(v) ? utc_minute((int64_t)json_integer_value(v), z) : "-");
}

/* Labels of the codes the outbox stores (xgettext reads the N_ marks). */
static const char *label(Request *r, const char *z) {
  static const char *const azCode[] = {"queued", "sent", "failed", "complainant", "inspector", "supervisor", "email",
                                       "sms", "received", "state", "assigned", "escalated", NULL};
  static const char *const azLabel[] = {N_("queued"), N_("sent"), N_("failed"), N_("complainant"),
                                        N_("inspector"), N_("supervisor"), N_("email"), N_("SMS"),
                                        N_("complaint received"), N_("new status"), N_("case assigned"),
                                        N_("deadline passed")};
  for (int i = 0; z && azCode[i]; i++)
    if (strcmp(azCode[i], z) == 0) return req_t(r, azLabel[i]);
  return z ? z : "";
}

int page_admin_notifications(Request *r) {
  static const char *const azState[] = {"queued", "failed", "sent"};
  Buf *b = &r->out;
  Err e = ERR_INIT;
  const char *zState = state_param(r);
  NotifyConfig cfg;
  json_t *j, *a, *o, *jCount;
  size_t i;
  if (!(j = notify_list(r->store, &r->who, zState, 200, &e))) return req_fail_with(r, &e);
  a = json_object_get(j, "notifications");
  jCount = json_object_get(j, "counts");
  page_begin(r, req_t(r, "Notifications"));
  html_printf(b, "<h1>%s</h1>\n", req_t(r, "Notifications"));
  notify_config_default(&cfg);
  if (notify_config_env(&cfg, &e) == 0 && !cfg.zSmtpUrl && !cfg.zSmsUrl)
    html_printf(b, "<p class=\"error\">%s</p>\n",
                req_t(r, "No email or SMS channel is configured: messages stay queued until one is (see "
                         "\"Notifications\" in docs/complaints.md)."));
  else if (e.code)
    html_printf(b, "<p class=\"error\">%s: %s</p>\n", req_t(r, "The notification settings are wrong"), e.zMsg);
  err_clear(&e);
  html_printf(b, "<p>%s ", req_t(r, "Show:"));
  html_printf(b, "<a href=\"/admin/notifications\">%s</a>", req_t(r, "all"));
  for (size_t k = 0; k < sizeof azState / sizeof azState[0]; k++)
    html_printf(b, " · <a href=\"/admin/notifications?state=%s\">%s (%lld)</a>", azState[k], label(r, azState[k]),
                (long long)json_integer_value(json_object_get(jCount, azState[k])));
  html_printf(b, "</p>\n");
  if (!json_array_size(a)) {
    html_printf(b, "<p>%s</p>\n", req_t(r, "No notifications."));
  } else {
    html_printf(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th>"
                   "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead>\n<tbody>\n",
                req_t(r, "Case"), req_t(r, "To"), req_t(r, "Via"), req_t(r, "Event"), req_t(r, "State"),
                req_t(r, "Attempts"), req_t(r, "Due or sent (UTC)"), req_t(r, "Last error"));
    json_array_foreach(a, i, o) {
      long long id = (long long)json_integer_value(json_object_get(o, "id"));
      json_t *jSent = json_object_get(o, "sent_at");
      html_printf(b, "<tr><td>%lld</td><td>%s</td><td>%s%s%s</td><td>%s</td><td>%s</td><td>%s</td><td>%lld</td><td>",
                  id, jstr(o, "case"), label(r, jstr(o, "recipient")), jstr(o, "account") ? " " : "",
                  jstr(o, "account") ? jstr(o, "account") : "", label(r, jstr(o, "channel")),
                  label(r, jstr(o, "event")), label(r, jstr(o, "state")),
                  (long long)json_integer_value(json_object_get(o, "attempts")));
      put_time(b, json_is_integer(jSent) ? jSent : json_object_get(o, "due_at"));
      html_printf(b, "</td><td>%s</td><td>", jstr(o, "last_error") ? jstr(o, "last_error") : "");
      if (r->zCsrf && strcmp(jstr(o, "state"), "sent") != 0)
        html_printf(b, "<form method=\"post\" action=\"/admin/notifications/%lld/retry\"><input type=\"hidden\" "
                       "name=\"%s\" value=\"%s\"><button type=\"submit\">%s</button></form>",
                    id, HTTP_CSRF_FIELD, r->zCsrf, req_t(r, "Send again"));
      html_printf(b, "</td></tr>\n");
    }
    html_printf(b, "</tbody></table></div>\n");
  }
  html_printf(b, "<p>%s</p>\n", req_t(r, "Addresses and message texts are never shown: they are encrypted, and "
                                         "decrypted only to send, which the audit log records."));
  json_decref(j);
  page_end(r);
  return 0;
}

int page_admin_notification_retry(Request *r) {
  Err e = ERR_INIT;
  int64_t id;
  json_t *j;
  if (id_param(r, &id)) return -1;
  if (!(j = notify_retry(r->store, &r->who, id, r->zAddr, &e))) return req_fail_with(r, &e);
  json_decref(j);
  resp_redirect(r, "/admin/notifications?state=queued");
  return 0;
}
