// Starts tests/standins/llm_standin.py for a unit test and talks to its
// control endpoints (script, request log). Header-only, shared by the agent
// and proxy test binaries.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <rapidjson/document.h>

#include "agent/llm/http_post.hpp"

extern char** environ;

namespace kagent::testing {

/// One stand-in LLM server on 127.0.0.1, killed when this goes.
class standin_process {
public:
  explicit standin_process(const std::string& key) {
    port_file_ = "/tmp/kagent-standin-" + std::to_string(::getpid()) + "-"
                 + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    std::string script = std::string{KAGENT_SOURCE_DIR} + "/tests/standins/llm_standin.py";
    std::string key_arg = "--key=" + key, port_arg = "--port-file=" + port_file_;
    const char* argv[] = {"/usr/bin/python3", script.c_str(), key_arg.c_str(), port_arg.c_str(),
                          nullptr};
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) != 0)
      pid_ = 0;
    for (int i = 0; i < 100 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream in{port_file_};
      in >> port_;
    }
  }
  ~standin_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    ::unlink(port_file_.c_str());
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  /// Replaces the script (a JSON object) and forgets earlier requests.
  bool script(const std::string& json) const { return control("/_standin/script", json).status == 200; }

  /// The request log as a JSON document ({"requests": [...], "counts": {...}}).
  rapidjson::Document requests() const {
    rapidjson::Document d;
    auto r = control("/_standin/requests", "");
    d.Parse(r.body.c_str(), r.body.size());
    return d;
  }

private:
  agent::llm::http_reply control(const std::string& path, const std::string& body) const {
    agent::llm::http_request req;
    req.url = url() + path;
    req.headers = {"Content-Type: application/json"};
    req.body = body;
    req.timeout_s = 10;
    return agent::llm::http_post(req);
  }
  pid_t pid_ = 0;
  int port_ = 0;
  std::string port_file_;
};

} // namespace kagent::testing
