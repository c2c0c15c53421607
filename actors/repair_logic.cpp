#include "actors/repair_logic.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include "core/json_parse.hpp"

namespace kagent {

namespace {

std::string file_of(const checkpoints& done, const std::string& key, const std::string& name) {
  auto s = done.find(key);
  if (s == done.end())
    return {};
  auto f = s->second.find(name);
  return f == s->second.end() ? std::string{} : f->second;
}

std::string json_string(const std::string& doc, const char* key) {
  rapidjson::Document d;
  if (parse_json(d, doc).HasParseError() || !d.IsObject())
    return {};
  auto i = d.FindMember(key);
  return i != d.MemberEnd() && i->value.IsString() ? i->value.GetString() : "";
}

std::string program_of(int round) {
  return round == 0 ? "solution.py" : "solution_" + std::to_string(round) + ".py";
}

std::string rounds_text(int n) {
  return std::to_string(n) + (n == 1 ? " repair round" : " repair rounds");
}

train_action template_action(std::string why) {
  train_action a;
  a.program = "solution_template.py";
  a.round = -1;
  a.note = std::move(why) + "; the template program runs instead";
  return a;
}

} // namespace

train_action next_train_action(const checkpoints& done, int rounds) {
  auto writer = json_string(file_of(done, "generate", "generation.json"), "writer");
  if (writer.rfind("llm:", 0) != 0 || !done.at("generate").count("solution_template.py"))
    return {};
  for (int i = 0;; ++i) {
    if (i > 0) {
      auto rep = "repair-" + std::to_string(i);
      if (!done.count(rep)) {
        if (i > rounds)
          return template_action("the LLM's program still fails after " + rounds_text(rounds));
        train_action a;
        a.what = train_action::kind::repair;
        a.round = i;
        a.note = "repair round " + std::to_string(i) + " of " + std::to_string(rounds) + ": "
                 + program_of(i - 1) + " failed; its error output goes to the LLM";
        return a;
      }
      if (!done.at(rep).count(program_of(i))) {
        auto why = json_string(file_of(done, rep, "repair_" + std::to_string(i) + ".json"),
                               "error");
        return template_action("repair round " + std::to_string(i) + " gave no program"
                               + (why.empty() ? "" : " (" + why + ")"));
      }
    }
    if (!done.count("train-fail-" + std::to_string(i))) {
      train_action a;
      a.program = program_of(i);
      a.round = i;
      a.repairable = true;
      a.note = i == 0 ? "running the LLM's program" : "running the program of repair round "
                                                        + std::to_string(i);
      return a;
    }
  }
}

std::vector<stage_step> train_steps(const train_action& a, const pipeline_options& opts,
                                    int job_budget_s) {
  auto steps = steps_for("train", opts, job_budget_s);
  if (a.what == train_action::kind::program) {
    steps[0].argv[1] = "{job}/" + a.program;
    return steps;
  }
  auto k = std::to_string(a.round);
  auto prev = std::to_string(a.round - 1);
  stage_step s;
  s.argv = {"{stage_bin}", "repair", "--job", "{job}", "--round", k,
            "--rounds", std::to_string(std::max(opts.llm.repair_rounds, a.round)),
            "--program", program_of(a.round - 1), "--error", "train_error_" + prev + ".txt",
            "--out", program_of(a.round), "--record", "repair_" + k + ".json"};
  auto extra = llm_args(opts.llm);
  s.argv.insert(s.argv.end(), extra.begin(), extra.end());
  s.required = {"repair_" + k + ".json"};
  s.optional = {program_of(a.round)};
  s.llm_access = true;
  return {s};
}

std::string checkpoint_key(const train_action& a) {
  switch (a.what) {
    case train_action::kind::repair:
      return "repair-" + std::to_string(a.round);
    case train_action::kind::record_failure:
      return "train-fail-" + std::to_string(a.round);
    case train_action::kind::program:
      break;
  }
  return "train";
}

std::vector<std::string> repair_checkpoint_files(const std::string& key) {
  if (key.rfind("repair-", 0) == 0) {
    auto k = key.substr(7);
    return {"solution_" + k + ".py", "repair_" + k + ".json"};
  }
  if (key.rfind("train-fail-", 0) == 0)
    return {"train_error_" + key.substr(11) + ".txt"};
  return {};
}

bool goes_to_repair(const train_action& a, const stage_result& r) {
  if (a.what != train_action::kind::program || !a.repairable || r.cancelled)
    return false;
  // A link or device among the outputs is no program error to fix: the
  // stage fails as any other would.
  if (r.unsafe_output)
    return false;
  // A launcher or sandbox that could not run the step says nothing of the program.
  return r.error.rfind("launcher: ", 0) != 0 && r.error.rfind("sandbox: ", 0) != 0;
}

train_action failure_of(const train_action& a) {
  auto f = a;
  f.what = train_action::kind::record_failure;
  return f;
}

stage_outputs failure_files(const train_action& a, const std::string& error_text) {
  return {{"train_error_" + std::to_string(a.round) + ".txt", error_text}};
}

stage_outputs failed_repair_files(const train_action& a, const std::string& why) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& al = d.GetAllocator();
  d.AddMember("round", a.round, al);
  d.AddMember("error", rapidjson::Value(why.c_str(), static_cast<rapidjson::SizeType>(why.size()), al),
              al);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  d.Accept(w);
  return {{"repair_" + std::to_string(a.round) + ".json", sb.GetString()}};
}

std::string committed_message(const std::string& key) {
  if (key.rfind("repair-", 0) == 0)
    return "repair round " + key.substr(7) + " committed";
  if (key.rfind("train-fail-", 0) == 0)
    return "the failure of " + program_of(std::stoi(key.substr(11)))
           + " is committed with its error output";
  return {};
}

void output_tail::add(const std::string& line) {
  auto l = line.size() > 500 ? line.substr(0, 500) + " [...]" : line;
  bytes_ += l.size() + 1;
  lines_.push_back(std::move(l));
  while (!lines_.empty() && (lines_.size() > max_lines_ || bytes_ > max_bytes_)) {
    bytes_ -= lines_.front().size() + 1;
    lines_.pop_front();
  }
}

std::string output_tail::text() const {
  std::string out;
  for (auto& l : lines_)
    out += l + "\n";
  return out;
}

} // namespace kagent
