#define CAF_SUITE cli.format
#include "caf/test/dsl.hpp"

#include "cli/format.hpp"
#include "cli/http_client.hpp"

using namespace kagent::cli;

namespace {

const char* done_job =
    R"({"job_id":"7f0c","kaggle_url":"https://www.kaggle.com/competitions/iris",)"
    R"("competition_name":"iris","status":"success","created_at":"2026-11-28T16:31:02.120000+00:00",)"
    R"("started_at":"2026-11-28T16:31:03.000000+00:00","completed_at":"2026-11-28T16:33:00.000000+00:00",)"
    R"("progress":"Completed","error_message":null,"metadata":{"progress":1.0,"stage":"validate",)"
    R"("attempt":1,"metric":"accuracy","chosen_model":"xgboost","cv_score":0.9666667}})";

} // namespace

CAF_TEST(the status summary names model score and times) {
  auto s = format_status(done_job);
  CAF_CHECK(s.find("status      success\n") != std::string::npos);
  CAF_CHECK(s.find("competition iris  (https://www.kaggle.com/competitions/iris)\n")
            != std::string::npos);
  CAF_CHECK(s.find("progress    Completed\n") != std::string::npos);
  CAF_CHECK(s.find("stage       validate, attempt 1\n") != std::string::npos);
  CAF_CHECK(s.find("model       xgboost  CV accuracy 0.96667\n") != std::string::npos);
  CAF_CHECK(s.find("completed   2026-11-28 16:33:00\n") != std::string::npos);
  CAF_CHECK(s.find("error") == std::string::npos);
}

CAF_TEST(the status summary shows the error of a failed job) {
  auto s = format_status(R"({"job_id":"a","status":"failed","error_message":"plan failed",)"
                         R"("started_at":null,"metadata":{}})");
  CAF_CHECK(s.find("error       plan failed\n") != std::string::npos);
  CAF_CHECK(s.find("started") == std::string::npos);
  CAF_CHECK_EQUAL(format_status("nonsense"), "");
}

CAF_TEST(the jobs table has a header and aligned columns) {
  auto t = format_jobs(std::string{R"({"total":3,"jobs":[)"} + done_job + "]}");
  auto nl = t.find('\n');
  CAF_CHECK_EQUAL(t.substr(0, nl), "ID    COMPETITION  STATUS   PROGRESS   CREATED");
  CAF_CHECK(t.find("7f0c  iris         success  Completed  2026-11-28 16:31:02\n")
            != std::string::npos);
  CAF_CHECK(t.find("(1 of 3 jobs)") != std::string::npos);
  CAF_CHECK_EQUAL(format_jobs(R"({"total":0,"jobs":[]})"), "no jobs\n");
}

CAF_TEST(server errors read as their detail) {
  CAF_CHECK_EQUAL(detail_of(R"({"detail":"Job not found"})"), "Job not found");
  CAF_CHECK_EQUAL(detail_of(R"({"detail":[{"loc":"x"}]})"), R"([{"loc":"x"}])");
  CAF_CHECK_EQUAL(detail_of("plain text\nmore"), "plain text");
}

CAF_TEST(urls are escaped and credentials never shown) {
  CAF_CHECK_EQUAL(escape_segment("a/b c"), "a%2Fb%20c");
  CAF_CHECK_EQUAL(redact_url("http://user:secret@host:8000/x"), "http://***@host:8000/x");
  CAF_CHECK_EQUAL(redact_url("http://host:8000"), "http://host:8000");
}
