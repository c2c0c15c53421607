// The Kaggle submitter (POST /jobs/{id}/submit): sends a finished job's
// committed submission.csv to the competition on Kaggle with a message, and
// records Kaggle's answer on the job (metadata "kaggle_submission"). The
// upload runs in a detached worker (sources/kaggle_api); one submission per
// job at a time.
//
//   (kaggle_submit_atom, job_record, message) -> job_record (as recorded)
//     | error(conflict) when the job is not done, a submission of it is
//       under way or no Kaggle credentials are configured; Kaggle's refusal
//       (upstream_failed, not_found) otherwise
#pragma once

#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "core/job.hpp"
#include "sources/kaggle_api.hpp"

namespace kagent {

using kaggle_submit_atom = caf::atom_constant<caf::atom("kg_submit")>;

/// Handle of the submitter.
using kaggle_submitter_actor = caf::typed_actor<
  caf::replies_to<kaggle_submit_atom, job_record, std::string>::with<job_record>>;

/// What the submitter works with.
struct kaggle_submitter_options {
  std::optional<sources::kaggle_endpoint> endpoint;  ///< none: every submit is refused
  caf::actor db_reader;    ///< (artifact_atom, id, name) -> bytes
  caf::actor persistence;  ///< (update_atom, job_record) -> ok_atom
  caf::actor supervisor;   ///< told (update_atom, job_record) after the commit; may be null
};

/// Spawns a submitter.
kaggle_submitter_actor spawn_kaggle_submitter(caf::actor_system& sys, kaggle_submitter_options opts);

/// `metadata` (a JSON object) with "kaggle_submission": {message,
/// description, submitted_at}; a metadata that is no object starts empty.
std::string with_kaggle_submission(const std::string& metadata, const std::string& answer,
                                   const std::string& description, const std::string& at_iso);

} // namespace kagent
