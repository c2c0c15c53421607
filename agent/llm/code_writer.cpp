#include "agent/llm/code_writer.hpp"

#include "agent/json_io.hpp"
#include "agent/llm/llm_planner.hpp"
#include "agent/llm/reply_text.hpp"

namespace kagent::agent::llm {

namespace {

// The template is ~120 KB; an example beyond this is cut, not dropped.
constexpr size_t max_example_bytes = 160 * 1024;
constexpr size_t max_profile_bytes = 32 * 1024;

// What every solution.py must do: what the launcher, validate and the job's
// status read (docs/AGENT.md, "train").
constexpr const char* contract =
  "You write solution.py, one self-contained Python 3 program for an automated Kaggle solver.\n"
  "Contract (the solver checks every point):\n"
  "- It is run as: python3 solution.py --competition C --job J. C/data holds the competition's "
  "public files (loose or zipped: train, test, sample submission, maybe more); "
  "C/description.md describes it. J (and /tmp) are the only writable places.\n"
  "- It writes J/submission.csv in exactly the sample submission's format: the same header, "
  "the same key columns and rows in the sample's order, valid predictions in every row "
  "(labels the sample's way, probabilities in [0, 1], finite values).\n"
  "- It writes J/metrics.json: {\"metric\": name, \"higher_is_better\": bool, \"chosen\": "
  "model name, \"cv_score\": number or null, \"candidates\": [{\"name\", \"model\", "
  "\"cv_score\", \"status\"}]}.\n"
  "- It reports progress on stdout, one JSON object per line: {\"progress\": 0.0-1.0, "
  "\"message\": \"fold 2/5 auc=0.81\"}. Any other output is log.\n"
  "- It finishes within the plan's time_budget_seconds of CPU time, uses one thread "
  "(n_jobs=1), no network, and only the standard library, numpy, pandas, scipy, "
  "scikit-learn and xgboost.\n"
  "- It exits 0 on success; on an error it lets the exception propagate (the traceback is "
  "what you will be shown to fix it).\n"
  "Reply with the complete program in one ```python fenced block and nothing after it.\n";

} // namespace

chat_request write_prompt(const rapidjson::Value& profile, const rapidjson::Value& plan,
                          const std::string& example, int max_tokens) {
  chat_request req;
  req.task = "write";
  req.max_tokens = max_tokens;
  req.system = contract;
  auto ex = example.size() > max_example_bytes
              ? example.substr(0, max_example_bytes) + "\n# ... [example cut here]\n"
              : example;
  req.user = "The competition's profile (profile.json):\n" + bounded_json(profile, max_profile_bytes)
             + "\n\nThe plan (plan.json):\n" + bounded_json(plan, max_profile_bytes)
             + "\n\nAn example program that fulfils the contract for this competition (the "
               "solver's template, with the profile and plan embedded); you may reuse it:\n"
               "```python\n" + ex + "\n```\n\nWrite solution.py for this competition.";
  return req;
}

chat_request repair_prompt(const rapidjson::Value& profile, const std::string& program,
                           const std::string& error_output, int round, int rounds,
                           int max_tokens) {
  chat_request req;
  req.task = "repair";
  req.max_tokens = max_tokens;
  req.system = contract;
  req.user = "Repair round " + std::to_string(round) + " of " + std::to_string(rounds)
             + ". The program below failed when run as python3 solution.py --competition "
               "/competition --job /job, or its submission.csv was refused.\n\n"
               "Its error output (the end of it):\n```\n" + error_output + "\n```\n\n"
             + "The competition's profile (profile.json):\n"
             + bounded_json(profile, max_profile_bytes) + "\n\nThe program:\n```python\n"
             + program + "\n```\n\nReply with the complete corrected program.";
  return req;
}

result<std::string> program_from_reply(const chat_reply& reply) {
  if (truncated(reply))
    return fail("the reply was cut at the token limit (" + reply.stop_reason + ")");
  auto program = program_in(reply.text);
  if (!program)
    return fail("the reply holds no Python program");
  if (program->size() > max_program_bytes)
    return fail("the program is larger than " + std::to_string(max_program_bytes) + " bytes");
  if (program->find("submission.csv") == std::string::npos)
    return fail("the program never writes submission.csv");
  return *program;
}

} // namespace kagent::agent::llm
