#include "agent/llm/llm_stages.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <iostream>

#include "agent/json_io.hpp"
#include "agent/llm/code_writer.hpp"
#include "agent/llm/llm_client.hpp"
#include "agent/llm/llm_planner.hpp"

namespace kagent::agent::llm {

namespace {

llm_client make_client(const llm_options& llm) {
  llm_client c{llm};
  c.on_notice([](const std::string& m) { std::cout << "llm: " << m << std::endl; });
  return c;
}

result<ok_t> write_program(const std::string& path, const std::string& text) {
  auto w = write_text_file(path, text);
  if (w)
    chmod(path.c_str(), 0755);
  return w;
}

std::string tokens(const llm_client& c) {
  return std::to_string(c.usage().input_tokens) + " + " + std::to_string(c.usage().output_tokens)
         + " tokens";
}

} // namespace

bool plain_file_name(const std::string& n) {
  if (n.empty() || n.size() > 100 || n.front() == '.')
    return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

result<ok_t> generate_with_llm(const std::string& job_dir, const rapidjson::Value& profile,
                               const rapidjson::Value& plan, const std::string& template_text,
                               const llm_options& llm) {
  if (auto w = write_program(job_dir + "/" + template_program, template_text); !w)
    return w;
  auto client = make_client(llm);
  emit_progress(0.4, "asking " + llm_name(llm) + " to write solution.py");
  auto reply = client.complete(write_prompt(profile, plan, template_text, llm.max_tokens));
  result<std::string> program = reply ? program_from_reply(*reply) : fail(reply.error());
  rapidjson::Document rec(rapidjson::kObjectType);
  auto& a = rec.GetAllocator();
  rec.AddMember("writer", json_string(program ? llm_name(llm) : "template", a), a);
  if (!program) {
    std::cout << "llm program rejected, the template stands: " << program.error() << std::endl;
    rec.AddMember("fallback", json_string(program.error().substr(0, 1000), a), a);
  }
  rec.AddMember("template", rapidjson::StringRef(template_program), a);
  rec.AddMember("llm", usage_json(client, a), a);
  auto text = program ? *program : template_text;
  if (auto w = write_program(job_dir + "/solution.py", text); !w)
    return w;
  if (auto w = write_json_file(job_dir + "/generation.json", rec); !w)
    return w;
  emit_progress(1.0, std::string{"solution.py written by "} + (program ? llm_name(llm) : "the template")
                       + " (" + std::to_string(text.size()) + " bytes, " + tokens(client) + ")");
  return ok_t{};
}

result<ok_t> run_repair(const std::string& job_dir, const repair_files& f, const llm_options& llm) {
  for (auto* name : {&f.program, &f.error, &f.out, &f.record})
    if (!plain_file_name(*name))
      return fail("repair: '" + *name + "' is not a file name inside the job dir");
  auto profile = read_json_file(job_dir + "/profile.json");
  if (!profile)
    return fail(profile.error());
  auto program = read_text_file(job_dir + "/" + f.program);
  if (!program)
    return fail(program.error());
  auto error = read_text_file(job_dir + "/" + f.error);
  if (!error)
    return fail(error.error());
  auto client = make_client(llm);
  emit_progress(0.2, "repair round " + std::to_string(f.round) + ": asking " + llm_name(llm)
                       + " to fix " + f.program);
  auto reply = client.complete(
    repair_prompt(*profile, *program, *error, f.round, f.rounds, llm.max_tokens));
  result<std::string> fixed = reply ? program_from_reply(*reply) : fail(reply.error());
  rapidjson::Document rec(rapidjson::kObjectType);
  auto& a = rec.GetAllocator();
  rec.AddMember("round", f.round, a);
  rec.AddMember("writer", json_string(llm_name(llm), a), a);
  rec.AddMember("program", json_string(fixed ? f.out : "", a), a);
  if (!fixed) {
    std::cout << "repair round " << f.round << " gave no program: " << fixed.error() << std::endl;
    rec.AddMember("error", json_string(fixed.error().substr(0, 1000), a), a);
  } else if (auto w = write_program(job_dir + "/" + f.out, *fixed); !w) {
    return w;
  }
  rec.AddMember("llm", usage_json(client, a), a);
  if (auto w = write_json_file(job_dir + "/" + f.record, rec); !w)
    return w;
  emit_progress(1.0, "repair round " + std::to_string(f.round) + ": "
                       + (fixed ? f.out + " written" : "no program") + " (" + tokens(client) + ")");
  return ok_t{};
}

} // namespace kagent::agent::llm
