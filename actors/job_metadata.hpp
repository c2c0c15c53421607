// The metadata object of a job (the jobs.metadata jsonb column and the
// "metadata" of GET /status): stage, attempt, progress, model and CV score.
#pragma once

#include <map>
#include <string>

#include "actors/llm_metadata.hpp"

namespace kagent {

/// What a job actor knows about its progress, as stored in metadata.
struct job_metadata {
  std::string competition;
  std::string source = "api";
  int time_budget_s = 0;      ///< the job's model-search budget; 0 = server default
  std::string stage;
  int attempt = 0;
  double progress = 0;        ///< whole job, 0..1
  double stage_progress = 0;  ///< current stage, 0..1
  std::string message;        ///< last progress message
  std::string metric;         ///< from metrics.json
  std::string chosen_model;
  double cv_score = 0;
  bool has_cv_score = false;
  std::string self_check;     ///< the agent's verdict on its choice: ok, near_trivial, fallback, ...
  std::string warning;        ///< why the verdict is not "ok", for the user
  llm_summary llm;            ///< planner, writer, repair rounds, tokens (LLM jobs only)
  std::string node;           ///< node that ran the latest stage attempt
  std::map<std::string, std::string> nodes;  ///< stage -> node that ran it last
};

/// Parses a metadata object; unknown keys are dropped, bad JSON gives defaults.
job_metadata parse_metadata(const std::string& json);

/// Renders metadata as a JSON object.
std::string render_metadata(const job_metadata& m);

/// Copies metric, chosen model, CV score and the self-check verdict from a
/// metrics.json document (written by untrusted code: strings are bounded).
void apply_metrics(job_metadata& m, const std::string& metrics_json);

} // namespace kagent
