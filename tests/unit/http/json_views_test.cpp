#define CAF_SUITE http.json_views
#include "caf/test/dsl.hpp"

#include <rapidjson/document.h>

#include "core/clock.hpp"
#include "http/json_views.hpp"
#include "http/ws_frames.hpp"

using namespace kagent;
using namespace kagent::http;

namespace {

job_record running_job() {
  job_record j;
  j.id = "0f8fad5b-d9cb-469f-a165-70867728950e";
  j.url = "https://www.kaggle.com/competitions/titanic";
  j.competition = "titanic";
  j.status = status::running;
  j.stage = "train";
  j.attempt = 2;
  j.created_at = 1700000000123;
  j.started_at = 1700000001000;
  j.metadata = R"({"competition":"titanic","progress":0.75,"stage":"generate","cv_score":0.81})";
  return j;
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  CAF_REQUIRE(!doc.HasParseError());
  return doc;
}

std::string str(const rapidjson::Value& v, const char* key) {
  CAF_REQUIRE(v.HasMember(key));
  CAF_REQUIRE(v[key].IsString());
  return v[key].GetString();
}

} // namespace

CAF_TEST(the status object has every field of the reference API) {
  auto doc = parse(status_json(running_job()));
  CAF_CHECK_EQUAL(str(doc, "job_id"), "0f8fad5b-d9cb-469f-a165-70867728950e");
  CAF_CHECK_EQUAL(str(doc, "kaggle_url"), "https://www.kaggle.com/competitions/titanic");
  CAF_CHECK_EQUAL(str(doc, "competition_name"), "titanic");
  CAF_CHECK_EQUAL(str(doc, "status"), "running");
  CAF_CHECK_EQUAL(str(doc, "created_at"), "2023-11-14T22:13:20.123000+00:00");
  CAF_CHECK_EQUAL(str(doc, "started_at"), iso8601(1700000001000));
  CAF_CHECK(doc["completed_at"].IsNull());
  CAF_CHECK(doc["error_message"].IsNull());
  CAF_CHECK_EQUAL(str(doc, "progress"), "Training model (stage 4/4)");
  CAF_CHECK(doc["metadata"].IsObject());
}

CAF_TEST(metadata keeps the job actor fields and takes stage and attempt from the record) {
  auto doc = parse(metadata_json(running_job()));
  CAF_CHECK(doc["progress"].IsNumber());
  CAF_CHECK_EQUAL(doc["progress"].GetDouble(), 0.75);
  CAF_CHECK_EQUAL(str(doc, "stage"), "train");
  CAF_CHECK_EQUAL(doc["attempt"].GetInt(), 2);
  CAF_CHECK_EQUAL(doc["cv_score"].GetDouble(), 0.81);
  CAF_CHECK_EQUAL(str(doc, "competition"), "titanic");
  CAF_CHECK_EQUAL(doc.MemberCount(), 5u);
}

CAF_TEST(metadata that is empty or not an object gets the human progress line) {
  for (std::string bad : {"", "not json", "[1,2]", "42"}) {
    auto job = running_job();
    job.metadata = bad;
    job.status = status::queued;
    job.stage.clear();
    job.attempt = 0;
    auto doc = parse(metadata_json(job));
    CAF_REQUIRE(doc.IsObject());
    CAF_CHECK_EQUAL(str(doc, "progress"), "Queued");
    CAF_CHECK(doc["stage"].IsNull());
    CAF_CHECK_EQUAL(doc["attempt"].GetInt(), 0);
  }
}

CAF_TEST(progress lines follow status and stage) {
  auto job = running_job();
  std::vector<std::pair<std::string, std::string>> running{
    {"analyze", "Analyzing competition (stage 1/4)"},
    {"plan", "Planning strategy (stage 2/4)"},
    {"generate", "Generating solution code (stage 3/4)"},
    {"train", "Training model (stage 4/4)"},
    {"", "Starting"}};
  for (auto& [stage, line] : running) {
    job.stage = stage;
    CAF_CHECK_EQUAL(progress_line(job), line);
  }
  job.status = status::queued;
  CAF_CHECK_EQUAL(progress_line(job), "Queued");
  job.status = status::success;
  CAF_CHECK_EQUAL(progress_line(job), "Completed");
  job.status = status::failed;
  job.error = "train exited with code 1";
  CAF_CHECK_EQUAL(progress_line(job), "Failed: train exited with code 1");
  job.status = status::timeout;
  CAF_CHECK_EQUAL(progress_line(job), "Timed out: train exited with code 1");
  job.status = status::cancelled;
  job.error.clear();
  CAF_CHECK_EQUAL(progress_line(job), "Cancelled");
}

CAF_TEST(a failed job shows its error message and completion time) {
  auto job = running_job();
  job.status = status::failed;
  job.error = "no \"target\" column";
  job.completed_at = 1700000009000;
  auto doc = parse(status_json(job));
  CAF_CHECK_EQUAL(str(doc, "error_message"), "no \"target\" column");
  CAF_CHECK_EQUAL(str(doc, "completed_at"), iso8601(1700000009000));
  CAF_CHECK_EQUAL(str(doc, "progress"), "Failed: no \"target\" column");
}

CAF_TEST(the created body names the competition) {
  auto job = running_job();
  job.status = status::queued;
  auto doc = parse(created_json(job));
  CAF_CHECK_EQUAL(str(doc, "job_id"), job.id);
  CAF_CHECK_EQUAL(str(doc, "status"), "queued");
  CAF_CHECK_EQUAL(str(doc, "created_at"), iso8601(job.created_at));
  CAF_CHECK_EQUAL(str(doc, "message"), "Job queued for competition titanic");
  CAF_CHECK_EQUAL(doc.MemberCount(), 4u);
}

CAF_TEST(a job list has total count and status objects) {
  job_list xs;
  xs.total = 7;
  xs.jobs = {running_job(), running_job()};
  auto doc = parse(list_json(xs));
  CAF_CHECK_EQUAL(doc["total"].GetInt64(), 7);
  CAF_CHECK_EQUAL(doc["count"].GetInt64(), 2);
  CAF_REQUIRE(doc["jobs"].IsArray());
  CAF_REQUIRE_EQUAL(doc["jobs"].Size(), 2u);
  CAF_CHECK_EQUAL(str(doc["jobs"][0], "progress"), "Training model (stage 4/4)");
}

CAF_TEST(logs are one line per event or a placeholder) {
  CAF_CHECK_EQUAL(logs_text({}), "No logs available yet");
  job_event a{"j", 1, 1700000000000, "analyze", "stage_started", "analyze attempt 1", -1};
  job_event b{"j", 2, 1700000000500, "", "status", "running", -1};
  CAF_CHECK_EQUAL(logs_text({a, b}),
                  iso8601(a.time) + " [analyze] stage_started: analyze attempt 1\n"
                    + iso8601(b.time) + " [-] status: running");
  auto doc = parse(logs_json("j", {a}));
  CAF_CHECK_EQUAL(str(doc, "job_id"), "j");
  CAF_CHECK_EQUAL(str(doc, "logs"), logs_text({a}));
}

CAF_TEST(health reports services queue and capacity) {
  health_view h;
  h.database_ok = true;
  h.admission_ok = true;
  h.stats.queued = 3;
  h.stats.running = 2;
  h.stats.max_queued = 1000;
  h.stats.max_running = 2;
  h.sandbox_mode = "bwrap";
  h.now_ms = 1700000000000;
  CAF_CHECK(is_healthy(h));
  auto doc = parse(health_json(h));
  CAF_CHECK_EQUAL(str(doc, "status"), "healthy");
  CAF_CHECK_EQUAL(str(doc, "timestamp"), iso8601(h.now_ms));
  CAF_CHECK_EQUAL(str(doc["services"], "api"), "ok");
  CAF_CHECK_EQUAL(str(doc["services"], "database"), "ok");
  CAF_CHECK_EQUAL(str(doc["services"], "sandbox"), "bwrap");
  CAF_CHECK_EQUAL(doc["queue_length"].GetInt64(), 3);
  CAF_CHECK_EQUAL(doc["running"].GetInt64(), 2);
  CAF_CHECK_EQUAL(doc["capacity"]["max_queued"].GetInt64(), 1000);
  CAF_CHECK_EQUAL(doc["capacity"]["max_running"].GetInt64(), 2);
  h.database_ok = false;
  h.database_detail = "database unavailable";
  CAF_CHECK(!is_healthy(h));
  doc = parse(health_json(h));
  CAF_CHECK_EQUAL(str(doc, "status"), "unhealthy");
  CAF_CHECK_EQUAL(str(doc["services"], "database"), "error: database unavailable");
}

CAF_TEST(a shared event frame is the event frame of the event asked for) {
  job_event a{"job-a", 1, 1000, "train", "log", "one", -1};
  auto b = a;
  b.message = "two";  // same seq, other text: a respawned job renumbering
  CAF_CHECK_EQUAL(shared_event_frame(a), event_frame(a));
  CAF_CHECK_EQUAL(shared_event_frame(b), event_frame(b));
  CAF_CHECK_EQUAL(shared_event_frame(a), event_frame(a));
}
