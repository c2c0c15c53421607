#include "actors/kaggle_submitter.hpp"

#include <atomic>
#include <memory>
#include <set>

#include <caf/all.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "actors/messages.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/json_parse.hpp"

namespace kagent {

namespace {

constexpr auto db_timeout = std::chrono::seconds(60);

struct submitter_state {
  kaggle_submitter_options opts;
  std::set<std::string> busy;  ///< job ids with a submission under way
  std::shared_ptr<std::atomic<bool>> abort = std::make_shared<std::atomic<bool>>(false);
  ~submitter_state() { abort->store(true); }  // shutdown stops uploads under way
  static inline const char* name = "kaggle_submitter";
};

using submitter_ptr = kaggle_submitter_actor::stateful_pointer<submitter_state>;

// The blocking upload, in its own thread; answers Kaggle's message.
caf::behavior submit_worker(caf::event_based_actor* self, sources::kaggle_endpoint ep,
                            std::shared_ptr<std::atomic<bool>> abort) {
  return {[=](kaggle_submit_atom, const std::string& slug, const std::string& csv,
              const std::string& message) -> caf::result<std::string> {
    auto r = sources::submit_to_kaggle(ep, slug, csv, message, *abort);
    self->quit();
    if (!r)
      return std::move(r.error());
    return r->message;
  }};
}

void record(submitter_ptr self, job_record job, const std::string& answer,
            const std::string& message, caf::typed_response_promise<job_record> rp) {
  job.metadata = with_kaggle_submission(job.metadata, answer, message, iso8601(now_ms()));
  self->request(self->state.opts.persistence, db_timeout, update_atom::value, job)
    .then([=](caf::ok_atom) mutable {
            self->state.busy.erase(job.id);
            // Its cache of finished jobs must not keep the record of before.
            if (self->state.opts.supervisor)
              caf::anon_send(self->state.opts.supervisor, update_atom::value, job);
            rp.deliver(job);
          },
          [=](caf::error& err) mutable {
            self->state.busy.erase(job.id);
            rp.deliver(err);
          });
}

kaggle_submitter_actor::behavior_type submitter(submitter_ptr self, kaggle_submitter_options opts) {
  self->state.opts = std::move(opts);
  return {[=](kaggle_submit_atom, job_record& job,
              std::string& message) -> caf::result<job_record> {
    auto& st = self->state;
    if (!st.opts.endpoint)
      return make_error(errc::conflict, "this server has no Kaggle API credentials "
                                        "(KAGGLE_USERNAME and KAGGLE_KEY, or kaggle.json)");
    if (job.status != status::success)
      return make_error(errc::conflict, "Job is not complete. Current status: " + job.status);
    if (!st.busy.insert(job.id).second)
      return make_error(errc::conflict, "a submission of this job to Kaggle is under way");
    auto rp = self->make_response_promise<job_record>();
    auto fail = [=](caf::error& err) mutable {
      self->state.busy.erase(job.id);
      get_logger("actors")->warn("kaggle submit failed job_id={} error=\"{}\"", job.id,
                                 detail_of(err));
      rp.deliver(err);
    };
    self->request(st.opts.db_reader, db_timeout, artifact_atom::value, job.id,
                  std::string{"submission.csv"})
      .then(
        [=](std::string& csv) mutable {
          auto worker = self->system().spawn<caf::detached>(submit_worker, *self->state.opts.endpoint,
                                                            self->state.abort);
          self->request(worker, caf::infinite, kaggle_submit_atom::value, job.competition, csv,
                        message)
            .then(
              [=](std::string& answer) {
                get_logger("actors")->info("kaggle submit done job_id={} competition={}", job.id,
                                           job.competition);
                record(self, job, answer, message, rp);
              },
              fail);
        },
        fail);
    return caf::delegated<job_record>{};
  }};
}

} // namespace

kaggle_submitter_actor spawn_kaggle_submitter(caf::actor_system& sys, kaggle_submitter_options opts) {
  return sys.spawn(submitter, std::move(opts));
}

std::string with_kaggle_submission(const std::string& metadata, const std::string& answer,
                                   const std::string& description, const std::string& at_iso) {
  rapidjson::Document doc;
  if (metadata.empty() || parse_json(doc, metadata).HasParseError()
      || !doc.IsObject())
    doc.SetObject();
  auto& a = doc.GetAllocator();
  rapidjson::Value sub(rapidjson::kObjectType);
  sub.AddMember("message", rapidjson::Value(answer.c_str(), a), a);
  sub.AddMember("description", rapidjson::Value(description.c_str(), a), a);
  sub.AddMember("submitted_at", rapidjson::Value(at_iso.c_str(), a), a);
  doc.RemoveMember("kaggle_submission");
  doc.AddMember("kaggle_submission", sub, a);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w{buf};
  doc.Accept(w);
  return buf.GetString();
}

} // namespace kagent
