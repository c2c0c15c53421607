#define CAF_SUITE launcher.actor
#include "launcher_fixture.hpp"

#include <signal.h>

using namespace kagent;
using namespace kagent::launcher_testing;
using namespace std::chrono_literals;

CAF_TEST_FIXTURE_SCOPE(launcher_tests, fixture)

CAF_TEST(progress lines arrive in order as progress events and the rest as logs) {
  start("process");
  auto out = run(shell(
      "echo plain; "
      "for i in 1 2 3; do echo \"{\\\"progress\\\":0.$i,\\\"message\\\":\\\"step $i\\\"}\"; done; "
      "echo oops >&2; echo '[1,2]'"));
  CAF_REQUIRE(!out.err);
  CAF_CHECK_EQUAL(out.result.exit_code, 0);
  CAF_CHECK_EQUAL(out.result.error, "");
  std::vector<job_event> progress;
  for (auto& ev : out.events) {
    CAF_CHECK_EQUAL(ev.job_id, "job-1");
    CAF_CHECK_EQUAL(ev.stage, "train");
    CAF_CHECK_EQUAL(ev.seq, 0);
    CAF_CHECK_GREATER(ev.time, 0);
    if (ev.kind == "progress")
      progress.push_back(ev);
    else
      CAF_CHECK_EQUAL(ev.kind, "log");
  }
  CAF_REQUIRE_EQUAL(progress.size(), 3u);
  CAF_CHECK_EQUAL(progress[0].progress, 0.1);
  CAF_CHECK_EQUAL(progress[1].message, "step 2");
  CAF_CHECK_EQUAL(progress[2].progress, 0.3);
  CAF_CHECK(has_line(out, "plain"));
  CAF_CHECK(has_line(out, "oops"));
  CAF_CHECK(has_line(out, "[1,2]"));
  auto log = log_of("train");
  CAF_CHECK_NOT_EQUAL(log.find("plain\n"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(log.find("oops\n"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(log.find("\"message\":\"step 3\""), std::string::npos);
}

CAF_TEST(long lines are split at 16 KiB) {
  start("process");
  auto out = run(shell("head -c 40000 /dev/zero | tr '\\0' x"));
  CAF_REQUIRE(!out.err);
  CAF_REQUIRE_EQUAL(out.events.size(), 3u);
  CAF_CHECK_EQUAL(out.events[0].message.size(), 16384u);
  CAF_CHECK_EQUAL(out.events[1].message.size(), 16384u);
  CAF_CHECK_EQUAL(out.events[2].message.size(), 40000u - 2 * 16384u);
}

CAF_TEST(outputs are read back binary - safe and missing ones skipped) {
  start("process");
  auto req = shell("printf 'a\\000b' > {job}/out.bin; echo '{\"auc\":1}' > metrics.json; "
                   "cat {competition}/description.md > desc.copy; "
                   "cat {competition}/data/train.csv > train.copy");
  req.outputs = {"out.bin", "metrics.json", "missing.txt", "desc.copy", "train.copy"};
  auto out = run(req);
  CAF_REQUIRE(!out.err);
  CAF_CHECK(!out.result.unsafe_output);
  auto& files = out.result.outputs;
  CAF_CHECK_EQUAL(files.size(), 4u);
  CAF_CHECK_EQUAL(files["out.bin"], std::string("a\0b", 3));
  CAF_CHECK_EQUAL(files["metrics.json"], "{\"auc\":1}\n");
  CAF_CHECK_EQUAL(files["desc.copy"], "# Titanic\n");
  CAF_CHECK_EQUAL(files["train.copy"], "id,y\n1,0\n");
  CAF_CHECK_EQUAL(files.count("missing.txt"), 0u);
}

CAF_TEST(outputs that are links or not regular files or too big are refused by name) {
  std::ofstream{root / "host-secret"} << "TOPSECRET\n";
  sandbox.max_output_bytes = 100;
  start("bwrap");
  const std::pair<const char*, const char*> cases[] = {
    {"ln -s " , "is a symbolic link"},
    {"mkfifo ", "is a FIFO"},
    {"mkdir ", "is a directory"},
    {"head -c 101 /dev/zero > ", "more than the 100 allowed"},
    {"echo ok > a; ln a ", "hard links"},
  };
  for (auto& [make, why] : cases) {
    auto script = std::string{make} + (std::string{make} == "ln -s " ? (root / "host-secret").string() + " " : "")
                  + "/job/submission.csv";
    auto req = shell("rm -rf /job/submission.csv /job/a; " + script);
    req.outputs = {"metrics.json", "submission.csv"};
    auto out = run(req);
    CAF_REQUIRE(!out.err);
    CAF_CHECK(out.result.unsafe_output);
    CAF_CHECK_EQUAL(out.result.outputs.count("submission.csv"), 0u);
    CAF_CHECK_NOT_EQUAL(out.result.error.find("submission.csv"), std::string::npos);
    CAF_CHECK_EQUAL(out.result.error.find(why) != std::string::npos ? why : out.result.error, why);
  }
  auto req = shell("true");
  req.outputs = {"../escape"};
  CAF_CHECK(run(req).result.unsafe_output);
}

CAF_TEST(logs live outside the job dir and are not written through a planted link) {
  std::ofstream{root / "crontab"} << "original\n";
  start("bwrap");
  auto first = shell("mkdir -p /job/logs; ln -s " + (root / "crontab").string()
                     + " /job/logs/train.log; echo planted");
  CAF_CHECK_EQUAL(run(first).result.exit_code, 0);
  CAF_CHECK_EQUAL(run(shell("echo injected")).result.exit_code, 0);
  CAF_CHECK_EQUAL(slurp(root / "crontab"), "original\n");
  CAF_CHECK_NOT_EQUAL(log_of("train").find("injected\n"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(log_of("train").find("planted\n"), std::string::npos);
  // A link in place of the log itself is refused, not followed.
  fs::remove(root / "logs" / "job-1" / "train.log");
  fs::create_symlink(root / "crontab", root / "logs" / "job-1" / "train.log");
  auto out = run(shell("echo again"));
  CAF_CHECK_NOT_EQUAL(out.result.error.find("cannot open log"), std::string::npos);
  CAF_CHECK_EQUAL(slurp(root / "crontab"), "original\n");
}

CAF_TEST(a failing stage reports its code and its last stderr line) {
  start("process");
  auto out = run(shell("echo first >&2; echo boom >&2; exit 3"));
  CAF_REQUIRE(!out.err);
  CAF_CHECK_EQUAL(out.result.exit_code, 3);
  CAF_CHECK_EQUAL(out.result.signal, 0);
  CAF_CHECK_EQUAL(out.result.error, "boom");
  CAF_CHECK(!out.result.timed_out);
}

CAF_TEST(an error line of the protocol wins over stderr) {
  start("process");
  auto out = run(shell("echo '{\"error\":\"no target column\"}'; echo noise >&2; exit 1"));
  CAF_REQUIRE(!out.err);
  CAF_CHECK_EQUAL(out.result.exit_code, 1);
  CAF_CHECK_EQUAL(out.result.error, "no target column");
  CAF_CHECK(has_line(out, "no target column"));
}

CAF_TEST(a silent failure is described by its code or signal) {
  start("process");
  CAF_CHECK_EQUAL(run(shell("exit 7")).result.error, "exited with code 7");
  auto out = run(shell("kill -SEGV $$"));
  CAF_CHECK_EQUAL(out.result.exit_code, -1);
  CAF_CHECK_EQUAL(out.result.signal, SIGSEGV);
  CAF_CHECK_EQUAL(out.result.error, "killed by signal 11");
}

CAF_TEST(a stage past its deadline is killed with its whole process group) {
  start("process");
  auto out = run(shell("sleep 100.4242 & trap '' TERM; echo started; sleep 100.4243", 300));
  CAF_REQUIRE(!out.err);
  CAF_CHECK(out.result.timed_out);
  CAF_CHECK(!out.result.cancelled);
  CAF_CHECK_EQUAL(out.result.signal, SIGKILL); // it ignored SIGTERM
  CAF_CHECK(has_line(out, "started"));
  CAF_CHECK(gone("100.4242"));
  CAF_CHECK(gone("100.4243"));
}

CAF_TEST(cancel kills the running stage within a second) {
  start("process");
  self->send(launcher, run_atom::value, shell("sleep 100.5151 & echo started; wait"));
  self->receive([&](stage_event_atom, job_event& ev) { CAF_CHECK_EQUAL(ev.message, "started"); });
  auto t0 = std::chrono::steady_clock::now();
  self->send(launcher, cancel_atom::value, std::string{"another-job"});
  self->send(launcher, cancel_atom::value, std::string{"job-1"});
  self->receive([](caf::ok_atom) {});
  self->receive([](caf::ok_atom) {});
  auto out = await_result();
  auto elapsed = std::chrono::steady_clock::now() - t0;
  CAF_REQUIRE(!out.err);
  CAF_CHECK(out.result.cancelled);
  CAF_CHECK(!out.result.timed_out);
  CAF_CHECK_EQUAL(out.result.signal, SIGTERM);
  CAF_CHECK_LESS(elapsed, 1s);
  CAF_CHECK(gone("100.5151"));
  // Idempotent: cancelling again (nothing runs) is fine.
  self->request(launcher, 5s, cancel_atom::value, std::string{"job-1"})
      .receive([](caf::ok_atom) {}, [](caf::error& e) { CAF_FAIL("cancel failed"); });
}

CAF_TEST(a background process holding stdout does not keep a finished stage alive) {
  start("process");
  auto out = run(shell("(sleep 100.9191 &); echo done"));
  CAF_REQUIRE(!out.err);
  CAF_CHECK_EQUAL(out.result.exit_code, 0);
  CAF_CHECK(!out.result.timed_out);
  CAF_CHECK(has_line(out, "done"));
  CAF_CHECK(gone("100.9191")); // the group is cleaned up after the stage
}

CAF_TEST(rlimits from the sandbox options apply to the stage) {
  sandbox.memory_bytes = 3LL << 30;
  sandbox.cpu_seconds = 77;
  sandbox.file_bytes = 5LL << 20;
  const std::string limits = "awk -F '  +' '/^Max (cpu time|file size|address "
                             "space)/ {print $1 \"=\" $2}' /proc/self/limits";
  for (auto mode : {"process", "bwrap"}) {
    start(mode);
    auto out = run(shell(limits + "; head -c 6000000 /dev/zero > {job}/big || echo fsize=hit"));
    for (auto x : {"Max cpu time=77", "Max file size=5242880", "Max address space=3221225472",
                   "fsize=hit"})
      CAF_CHECK_EQUAL(has_line(out, x) ? std::string{x} : "<missing>", x);
    CAF_CHECK_EQUAL(fs::file_size(root / "job" / "big"), 5u << 20);
    self->send_exit(launcher, caf::exit_reason::user_shutdown);
  }
}

CAF_TEST(a stage cgroup bounds its tasks and ends its daemons in both modes) {
  sandbox.processes = 40;
  for (auto mode : {"process", "bwrap"}) {
    start(mode);
    // Background sleeps until fork fails; one setsid daemon outlives the shell.
    auto out = run(shell("setsid sleep 100.2727 & {python} -c \"import os, time\n"
                         "n = 0\n"
                         "try:\n"
                         "  for i in range(100):\n"
                         "    if os.fork() == 0:\n"
                         "      time.sleep(30); os._exit(0)\n"
                         "    n += 1\n"
                         "except OSError:\n"
                         "  pass\n"
                         "print('forked=%d' % n)\""));
    CAF_CHECK_EQUAL(out.result.exit_code, 0);
    int forked = -1;
    for (auto& l : lines(out))
      if (l.rfind("forked=", 0) == 0)
        forked = std::stoi(l.substr(7));
    CAF_MESSAGE(mode << ": " << forked << " background sleeps before fork failed");
    CAF_CHECK_GREATER(forked, 5);
    CAF_CHECK_LESS(forked, 40);
    CAF_CHECK(gone("100.2727"));
    self->send_exit(launcher, caf::exit_reason::user_shutdown);
  }
}

CAF_TEST(a busy launcher refuses a second run) {
  start("process");
  self->send(launcher, run_atom::value, shell("echo started; sleep 100.6161"));
  self->receive([&](stage_event_atom, job_event&) {});
  self->request(launcher, 5s, run_atom::value, shell("true"))
      .receive([](stage_result&) { CAF_FAIL("second run accepted"); },
               [](caf::error& e) {
                 CAF_CHECK_EQUAL(code_of(e), errc::conflict);
                 CAF_CHECK_EQUAL(detail_of(e), "launcher busy");
               });
  self->send(launcher, cancel_atom::value, std::string{"job-1"});
  self->receive([](caf::ok_atom) {});
  CAF_CHECK(await_result().result.cancelled);
  CAF_CHECK_EQUAL(run(shell("echo again")).result.exit_code, 0); // free again
}

CAF_TEST(a launcher that exits kills its child) {
  start("process");
  self->send(launcher, run_atom::value, shell("echo started; sleep 100.7171"));
  self->receive([&](stage_event_atom, job_event&) {});
  CAF_CHECK(process_with_token("100.7171"));
  self->send_exit(launcher, caf::exit_reason::user_shutdown);
  CAF_CHECK(gone("100.7171"));
}

CAF_TEST(a stage that cannot start gets an error result) {
  start("process");
  auto req = shell("true");
  req.argv = {"/nonexistent/stage"};
  auto out = run(req);
  CAF_REQUIRE(!out.err);
  CAF_CHECK_EQUAL(out.result.exit_code, -1);
  CAF_CHECK_NOT_EQUAL(out.result.error.find("/nonexistent/stage"), std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
