// The files a finished stage committed that GET /result/{id}/{name} serves
// besides submission.csv: the generated program and the agent's JSON records
// (profile, plan, training metrics, validation), which the dashboard's job
// page draws. Only these names reach the database; any other is a 404.
#pragma once

#include <string>
#include <vector>

namespace kagent::http {

struct stage_file {
  const char* name;          ///< file name in the job directory and the URL
  const char* stage;         ///< the stage whose checkpoint holds it
  const char* content_type;
};

/// Every served file.
const std::vector<stage_file>& stage_files();

/// The served file called `name`, or nullptr.
const stage_file* find_stage_file(const std::string& name);

} // namespace kagent::http
