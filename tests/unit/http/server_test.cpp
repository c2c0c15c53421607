#define CAF_SUITE http.server
#include "caf/test/dsl.hpp"

#include <rapidjson/document.h>

#include "core/clock.hpp"
#include "server_fixture.hpp"

using namespace kagent;
using namespace kagent::http::test;
using verb = boost::beast::http::verb;
using field = boost::beast::http::field;

namespace {

rapidjson::Document json_of(const client_response& res) {
  CAF_CHECK_EQUAL(header(res, field::content_type), "application/json");
  rapidjson::Document doc;
  doc.Parse(res.body().c_str());
  CAF_REQUIRE(!doc.HasParseError());
  CAF_REQUIRE(doc.IsObject());
  return doc;
}

std::string detail_of(const client_response& res) {
  auto doc = json_of(res);
  CAF_REQUIRE(doc.HasMember("detail") && doc["detail"].IsString());
  return doc["detail"].GetString();
}

struct fixture : server_fixture {
  fixture() {
    start();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(server_tests, fixture)

CAF_TEST(POST run answers 201 with the job and keeps the connection alive) {
  client c{srv->port()};
  auto res = c.send(verb::post, "/run", R"({"kaggle_url":"https://www.kaggle.com/competitions/titanic"})");
  CAF_CHECK_EQUAL(res.result_int(), 201u);
  CAF_CHECK_EQUAL(header(res, field::server), "kagentd");
  CAF_CHECK(res.keep_alive());
  auto doc = json_of(res);
  CAF_CHECK_EQUAL(std::string{doc["job_id"].GetString()}, new_id);
  CAF_CHECK_EQUAL(std::string{doc["status"].GetString()}, "queued");
  CAF_CHECK_EQUAL(std::string{doc["created_at"].GetString()}, iso8601(1700000000000));
  CAF_CHECK_EQUAL(std::string{doc["message"].GetString()}, "Job queued for competition titanic");
  // Same connection, query form (with a header a web page cannot send unasked).
  auto q = client::make(verb::post, "/run?url=https%3A%2F%2Fwww.kaggle.com%2Fcompetitions%2Ftitanic");
  q.set(field::content_type, "application/json");
  c.write(q);
  res = c.read();
  CAF_CHECK_EQUAL(res.result_int(), 201u);
}

CAF_TEST(a full queue answers 429 with Retry-After) {
  client c{srv->port()};
  auto res = c.send(verb::post, "/run", R"({"kaggle_url":"https://www.kaggle.com/competitions/full"})");
  CAF_CHECK_EQUAL(res.result_int(), 429u);
  CAF_CHECK_EQUAL(header(res, field::retry_after), "7");
  CAF_CHECK_EQUAL(detail_of(res), "queue is full (max_queued=1)");
}

CAF_TEST(a URL admission rejects answers 400 with its detail) {
  client c{srv->port()};
  auto res = c.send(verb::post, "/run", R"({"kaggle_url":"https://example.com/x"})");
  CAF_CHECK_EQUAL(res.result_int(), 400u);
  CAF_CHECK_EQUAL(detail_of(res), "not a Kaggle competition URL");
  res = c.send(verb::post, "/run", R"({"kaggle_url":"x","extra":1})");
  CAF_CHECK_EQUAL(res.result_int(), 422u);
  res = c.send(verb::post, "/run", "kaggle_url=x", "text/plain");
  CAF_CHECK_EQUAL(res.result_int(), 415u);
}

CAF_TEST(status comes from the supervisor for live jobs and the database for others) {
  client c{srv->port()};
  auto res = c.send(verb::get, std::string{"/status/"} + live_id);
  CAF_CHECK_EQUAL(res.result_int(), 200u);
  auto doc = json_of(res);
  CAF_CHECK_EQUAL(std::string{doc["status"].GetString()}, "running");
  CAF_CHECK_EQUAL(std::string{doc["progress"].GetString()}, "Training model (stage 4/4)");
  CAF_CHECK_EQUAL(doc["metadata"]["progress"].GetDouble(), 0.8);
  CAF_CHECK_EQUAL(std::string{doc["metadata"]["stage"].GetString()}, "train");
  CAF_CHECK_EQUAL(st->db_gets.load(), 0);
  res = c.send(verb::get, std::string{"/status/"} + done_id);
  CAF_CHECK_EQUAL(res.result_int(), 200u);
  CAF_CHECK_EQUAL(std::string{json_of(res)["status"].GetString()}, "success");
  CAF_CHECK_EQUAL(st->db_gets.load(), 1);
  res = c.send(verb::get, std::string{"/status/"} + unknown_id);
  CAF_CHECK_EQUAL(res.result_int(), 404u);
  CAF_CHECK_EQUAL(detail_of(res), "Job not found");
}

CAF_TEST(ids that are not UUIDs get 404 without asking any actor) {
  client c{srv->port()};
  for (auto bad : {"/status/%2e%2e", "/status/..%2F..%2Fetc%2Fpasswd", "/logs/abc",
                   "/result/x/submission.csv"}) {
    auto res = c.send(verb::get, bad);
    CAF_CHECK_EQUAL(res.result_int(), 404u);
    CAF_CHECK_EQUAL(detail_of(res), "Job not found");
  }
  CAF_CHECK_EQUAL(st->supervisor_gets.load(), 0);
  CAF_CHECK_EQUAL(st->db_gets.load(), 0);
  auto res = c.send(verb::get, "/nope");
  CAF_CHECK_EQUAL(res.result_int(), 404u);
  CAF_CHECK_EQUAL(detail_of(res), "Not Found");
  res = c.send(verb::put, "/health");
  CAF_CHECK_EQUAL(res.result_int(), 405u);
  CAF_CHECK_EQUAL(header(res, field::allow), "GET");
}

CAF_TEST(the submission is served as a CSV attachment once the job succeeded) {
  client c{srv->port()};
  auto res = c.send(verb::get, std::string{"/result/"} + done_id + "/submission.csv");
  CAF_CHECK_EQUAL(res.result_int(), 200u);
  CAF_CHECK_EQUAL(header(res, field::content_type), "text/csv");
  CAF_CHECK_EQUAL(header(res, field::content_disposition),
                  "attachment; filename=\"submission.csv\"");
  CAF_CHECK_EQUAL(res.body(), "PassengerId,Survived\n892,0\n");
  res = c.send(verb::get, std::string{"/result/"} + queued_id + "/submission.csv");
  CAF_CHECK_EQUAL(res.result_int(), 400u);
  CAF_CHECK_EQUAL(detail_of(res), "Job is not complete. Current status: queued");
  res = c.send(verb::get, std::string{"/result/"} + unknown_id + "/submission.csv");
  CAF_CHECK_EQUAL(res.result_int(), 404u);
  res = c.send(verb::get, std::string{"/result/"} + done_id + "/solution.py");
  CAF_CHECK_EQUAL(res.result_int(), 200u);
  CAF_CHECK_EQUAL(header(res, field::content_type), "text/x-python");
  CAF_CHECK_EQUAL(res.body(), "print('hello')\n");
  res = c.send(verb::get, std::string{"/result/"} + queued_id + "/solution.py");
  CAF_CHECK_EQUAL(res.result_int(), 404u);
}

CAF_TEST(logs list events one per line) {
  client c{srv->port()};
  auto res = c.send(verb::get, std::string{"/logs/"} + done_id);
  CAF_CHECK_EQUAL(res.result_int(), 200u);
  auto doc = json_of(res);
  CAF_CHECK_EQUAL(std::string{doc["logs"].GetString()},
                  iso8601(1700000000000) + " [analyze] stage_started: attempt 1\n"
                    + iso8601(1700000001000) + " [train] stage_finished: ok");
  res = c.send(verb::get, std::string{"/logs/"} + queued_id);
  CAF_CHECK_EQUAL(std::string{json_of(res)["logs"].GetString()}, "No logs available yet");
  res = c.send(verb::get, std::string{"/logs/"} + unknown_id);
  CAF_CHECK_EQUAL(res.result_int(), 404u);
}

CAF_TEST(jobs are listed and bad filters get 422) {
  client c{srv->port()};
  auto res = c.send(verb::get, "/jobs?limit=1");
  CAF_CHECK_EQUAL(res.result_int(), 200u);
  auto doc = json_of(res);
  CAF_CHECK_EQUAL(doc["total"].GetInt64(), 2);
  CAF_REQUIRE_EQUAL(doc["jobs"].Size(), 1u);
  CAF_CHECK_EQUAL(std::string{doc["jobs"][0]["job_id"].GetString()}, queued_id);
  res = c.send(verb::get, "/jobs?status_filter=bogus");
  CAF_CHECK_EQUAL(res.result_int(), 422u);
  res = c.send(verb::get, "/jobs?limit=0");
  CAF_CHECK_EQUAL(res.result_int(), 422u);
}

CAF_TEST(health is 200 while the database answers and 503 when it does not) {
  client c{srv->port()};
  auto res = c.send(verb::get, "/health");
  CAF_CHECK_EQUAL(res.result_int(), 200u);
  auto doc = json_of(res);
  CAF_CHECK_EQUAL(std::string{doc["status"].GetString()}, "healthy");
  CAF_CHECK_EQUAL(std::string{doc["services"]["sandbox"].GetString()}, "process");
  CAF_CHECK_EQUAL(doc["queue_length"].GetInt64(), 3);
  CAF_CHECK_EQUAL(doc["capacity"]["max_running"].GetInt64(), 2);
  st->db_down = true;
  res = c.send(verb::get, "/health");
  CAF_CHECK_EQUAL(res.result_int(), 503u);
  doc = json_of(res);
  CAF_CHECK_EQUAL(std::string{doc["status"].GetString()}, "unhealthy");
  CAF_CHECK_EQUAL(std::string{doc["services"]["database"].GetString()},
                  "error: database unavailable");
}

CAF_TEST(DELETE jobs cancels and maps errors) {
  client c{srv->port()};
  auto res = c.send(verb::delete_, std::string{"/jobs/"} + live_id);
  CAF_CHECK_EQUAL(res.result_int(), 200u);
  CAF_CHECK_EQUAL(std::string{json_of(res)["status"].GetString()}, "cancelled");
  res = c.send(verb::delete_, std::string{"/jobs/"} + done_id);
  CAF_CHECK_EQUAL(res.result_int(), 409u);
  CAF_CHECK_EQUAL(detail_of(res), "job already finished: success");
  res = c.send(verb::delete_, std::string{"/jobs/"} + unknown_id);
  CAF_CHECK_EQUAL(res.result_int(), 404u);
  CAF_CHECK_EQUAL(detail_of(res), "Job not found");
}

CAF_TEST_FIXTURE_SCOPE_END()
