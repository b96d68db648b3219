/* The survey pages behind a link /s/TOKEN: the self-assessment (pre, post)
 * or the anonymous long-term survey (followup), one section at a time,
 * answers saved as each section is posted, a review step and the
 * submission that stores, scores and uses up the link in one transaction;
 * after the post survey, the Careers Leader's own profile. */
#ifndef CLEVAL_WEB_SURVEY_H
#define CLEVAL_WEB_SURVEY_H

#include "web_request.h"

/* GET /s/TOKEN (?section=N, ?review=1) and POST /s/TOKEN (fields: csrf,
 * section, go = next | back | review | submit, and ITEM_ID=VALUE). */
void web_survey_get(web_request *req, web_response *res);
void web_survey_post(web_request *req, web_response *res);

#endif
