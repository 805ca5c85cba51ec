/*
** notify.h: notifications about complaint cases, by email (SMTP) and SMS (an
** HTTP gateway), through an outbox (docs/complaints.md, "Notifications").
**
** case.c queues messages in the same transaction as the change they announce:
** the complaint received (to the complainant, with the receipt code), a new
** public status (to the complainant), a case assigned (to the inspector), a
** deadline passed (to the inspector and the administrators). Only complainants
** who gave an address and chose email or phone as their contact method get
** anything; anonymous complainants get nothing. Addresses and template values
** are stored encrypted (pii.h); the text is rendered when the message is sent,
** in the recipient's language, and never holds notes or anyone else's data.
**
** A sweep (notify_sweep) runs the case escalation and sends what is due, with
** retries and exponential backoff; `lmis notify run` and the server's background
** worker (notify_worker_start) call it. Each decryption of an address at send
** time passes policy_check and is audited.
**
** Ownership: returned json_t are new references owned by the caller; strings
** returned through char ** are the caller's to free. A NotifyConfig points into
** the environment or the caller's strings. Functions return NULL / -1 with e set
** on failure.
*/
#ifndef LMIS_NOTIFY_H
#define LMIS_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "err.h"
#include "pii.h"
#include "policy.h"
#include "store.h"

#define NOTIFY_ADDRESS_MAX 254

/* Delivery settings (environment variables in docs/complaints.md). */
typedef struct NotifyConfig {
  const char *zSmtpUrl;       /* LMIS_SMTP_URL: smtp://host:port or smtps://host:port; NULL: no email */
  const char *zSmtpFrom;      /* LMIS_SMTP_FROM: sender address (required with zSmtpUrl) */
  const char *zSmtpUser;      /* LMIS_SMTP_USER, LMIS_SMTP_PASSWORD: optional; then TLS is required */
  const char *zSmtpPassword;
  const char *zSmsUrl;        /* LMIS_SMS_URL: http(s) gateway taking POST {"to", "text"}; NULL: no SMS */
  const char *zSmsToken;      /* LMIS_SMS_TOKEN: optional bearer token */
  const char *zPublicUrl;     /* LMIS_PUBLIC_URL: base of links in messages (default http://localhost:8080) */
  long timeoutSec;            /* LMIS_NOTIFY_TIMEOUT: seconds per transfer (default 20, 1-300) */
  int maxAttempts;            /* LMIS_NOTIFY_MAX_ATTEMPTS: then the message is failed (default 5, 1-20) */
  int64_t backoffSec;         /* LMIS_NOTIFY_BACKOFF: first retry delay, doubled each time (default 300) */
  int nBatch;                 /* messages per sweep (default 100) */
} NotifyConfig;

void notify_config_default(NotifyConfig *c);
/* The defaults overridden by the environment; ERR_USAGE naming the variable when
** a value is malformed (an smtp URL that is not smtp:// or smtps://, ...). */
int notify_config_env(NotifyConfig *c, Err *e);

/* Is z an address lmis will write to: a plain email address (one @, no spaces,
** quotes, angle brackets or control characters, at most 254 bytes)? */
bool notify_email_ok(const char *z);
/* A phone number for SMS: "+", digits, spaces, dots, dashes, parentheses, with
** 6 to 15 digits. zOut gets the normalised form ("+63917...": at least 20 bytes). */
bool notify_phone_ok(const char *z, char *zOut, size_t nOut);

/* ---- queueing (called by case.c inside its transaction) ---- */

/* The complaint was received: the receipt code (given once) to the complainant. */
int notify_case_received(Store *s, const Pii *pii, int64_t caseId, const char *zReceipt, Err *e);
/* The public status is now zState: to the complainant. */
int notify_case_state(Store *s, const Pii *pii, int64_t caseId, const char *zState, Err *e);
/* The case was assigned: to the inspector now assigned (when they have an email). */
int notify_case_assigned(Store *s, const Pii *pii, int64_t caseId, Err *e);
/* The case passed its deadline: to the inspector assigned and every active
** administrator with an email. */
int notify_case_escalated(Store *s, const Pii *pii, int64_t caseId, Err *e);

/* ---- rendering ---- */

/* The subject and text of a message of event zEvent ("received", "state",
** "assigned", "escalated") to a zRecipient ("complainant", "inspector",
** "supervisor") in zLang, from the template values jParams ({case, id, receipt,
** state, deadline}). Both strings are new (caller frees). -1 when the event is
** unknown or a value it needs is missing. */
int notify_render(const NotifyConfig *cfg, const char *zEvent, const char *zRecipient, const char *zLang,
                  json_t *jParams, char **pzSubject, char **pzText, Err *e);

/* ---- delivery ---- */

/* libcurl's process-wide setup, once before any sweep (and before threads), and
** its teardown after the last. notify_worker_start/stop do it themselves. */
int notify_transport_init(Err *e);
void notify_transport_cleanup(void);

/* What one sweep did. */
typedef struct NotifyReport {
  int nEscalated;   /* cases escalated by this sweep */
  int nSent;
  int nRetry;       /* failed this time, will be retried */
  int nFailed;      /* failed for good (attempts exhausted) */
  int nWaiting;     /* due, but no channel configured for them */
} NotifyReport;

/* Escalate overdue cases (queueing their notices), then send every due message
** of a configured channel, at most cfg->nBatch. who must pass notify.manage;
** each address decrypted is audited (notify.send) before the transfer. A
** transfer failure is not an error of the sweep: it is recorded on the message
** (attempts, last_error, the next due time, or failed). */
int notify_sweep(Store *s, const NotifyConfig *cfg, const Principal *who, int64_t now, NotifyReport *pRep, Err *e);

/* The outbox, newest first: administrators see every message, a labour inspector
** only those of cases assigned to them, nobody else anything. zState filters
** (queued, sent, failed or NULL). No address or text is ever listed. */
json_t *notify_list(Store *s, const Principal *who, const char *zState, int nLimit, Err *e);
/* Queue a failed (or waiting) message again now, with its attempts reset
** (notify.manage, audited). ERR_NOT_FOUND, or ERR_CONFLICT when it was sent. */
json_t *notify_retry(Store *s, const Principal *who, int64_t id, const char *zAddr, Err *e);

/* The server's background sweeper: a thread with its own connection to zDb that
** runs notify_sweep every intervalSec seconds as the system principal, until
** notify_worker_stop (which waits for the sweep in progress; every transfer has a
** timeout). Start it with SIGINT and SIGTERM blocked in the calling thread, or
** let it block them itself (it does). */
typedef struct NotifyWorker NotifyWorker;
int notify_worker_start(const char *zDb, int intervalSec, NotifyWorker **pp, Err *e);
void notify_worker_stop(NotifyWorker *w);

/* The principal the background sweep acts as (an administrator role, account 0,
** username "lmis-notify"). */
void notify_system_principal(Principal *p);

#endif
