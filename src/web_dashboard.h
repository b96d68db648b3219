/* Dashboards: the programme (analysts and admins) and one provider's
 * cohort (that provider, analysts and admins), drawn by the report's own
 * table and chart code from the report's own analysis, with small cells
 * suppressed as in the report; and analysts' downloads of the report and
 * the exports, each one audited. */
#ifndef CLEVAL_WEB_DASHBOARD_H
#define CLEVAL_WEB_DASHBOARD_H

#include "web_app.h"
#include "web_request.h"

/* Handlers: GET /dashboard (a provider is sent to its own page),
 * GET /providers/KEY, GET /downloads (the list), GET /downloads/report.html,
 * GET /downloads/report.json, GET /downloads/tables/ID (ID.csv),
 * GET /downloads/export/KIND/FORMAT. */
void web_dashboard_page(web_request *req, web_response *res);
void web_dashboard_provider(web_request *req, web_response *res);
void web_dashboard_downloads(web_request *req, web_response *res);
void web_dashboard_report_html(web_request *req, web_response *res);
void web_dashboard_report_json(web_request *req, web_response *res);
void web_dashboard_table_csv(web_request *req, web_response *res);
void web_dashboard_export(web_request *req, web_response *res);

/* Marks the cached analysis out of date: the next request queues its
 * rebuild on the app's background thread and is answered from the one
 * before meanwhile (as after a few minutes in any case). */
void web_dashboard_changed(void);

/* Queues the analysis's build on app's background thread (cleval serve
 * does it at start, so that the first visitor seldom waits). */
void web_dashboard_prepare(web_app *app);

#endif
