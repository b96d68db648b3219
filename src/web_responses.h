/* The responses pages for analysts and providers: invited, answered and
 * outstanding counts by stage and provider (a provider sees only its own),
 * and a provider's list of its own leaders who have not answered. */
#ifndef CLEVAL_WEB_RESPONSES_H
#define CLEVAL_WEB_RESPONSES_H

#include "web_request.h"

/* GET /responses: signed in; staff see every provider, a provider its own. */
void web_responses_summary(web_request *req, web_response *res);
/* GET /responses/KEY: the outstanding list of provider KEY (staff, or that
 * provider; names and emails only for admins and the provider itself). */
void web_responses_outstanding(web_request *req, web_response *res);

#endif
