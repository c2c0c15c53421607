// The help texts (declared in args.hpp).
#include "cli/args.hpp"

namespace kagent::cli {

namespace {

const char* overview = R"(Usage: kagent [--server=URL] [--api-key=KEY] <command> [options]

Turns Kaggle competition URLs into submissions on a kagentd server.

Commands:
  submit URL [--follow] [--time-budget=S]
                                 submit a competition; print the job id
  status ID [--json]             a job's status, progress, model and score
  logs ID [--follow]             a job's logs; --follow streams them live
  result ID [-o FILE] [--code]   download submission.csv (or solution.py)
  cancel ID                      cancel a queued or running job
  jobs [--status=S] [--limit=N]  list jobs, newest first

Global options:
  --server=URL   the server (default: $KAGENT_URL, else http://127.0.0.1:8000)
  --api-key=KEY  the API key (default: $KAGENT_API_KEY), sent as a Bearer token;
                 prefer the variable: arguments show in the process list
  -h, --help     help; 'kagent <command> --help' for one command

Environment: KAGENT_URL (server), KAGENT_API_KEY (sent as a Bearer token).

Exit codes: 0 ok / job succeeded; 1 job failed, timed out, was cancelled or is
not done; 2 usage error; 3 server unreachable or unexpected HTTP error;
4 job not found.
)";

const char* submit_help =
    R"(Usage: kagent [--server=URL] submit URL [--follow] [--time-budget=S]

Submits https://www.kaggle.com/competitions/<slug> and prints the job id.
  -f, --follow         then follow the job live: a progress bar per stage on a
                       terminal, plain lines otherwise; exit 0 on success, 1
                       when the job fails, times out or is cancelled
  --time-budget=S      seconds of model search for this job (default: the
                       server's --time-budget)
)";

const char* status_help = R"(Usage: kagent [--server=URL] status ID [--json]

Prints the job's status, progress, stage and attempt, chosen model and CV
score, times and error.
  --json   print the server's JSON as it is
)";

const char* logs_help = R"(Usage: kagent [--server=URL] logs ID [--follow]

Prints every stage event and log line of the job.
  -f, --follow   stream the events live until the job ends (WebSocket;
                 reconnects without losing or repeating lines)
)";

const char* result_help = R"(Usage: kagent [--server=URL] result ID [-o FILE] [--code]

Downloads the job's submission.csv (exit 1 while the job is not done).
  -o, --output=FILE   where to write (default ./submission.csv or
                      ./solution.py); '-' writes to stdout
  --code              the generated program solution.py instead
)";

const char* cancel_help = R"(Usage: kagent [--server=URL] cancel ID

Cancels a queued or running job and prints its status; cancelling twice is
fine. Exit 1 when the job had already finished.
)";

const char* jobs_help = R"(Usage: kagent [--server=URL] jobs [--status=S] [--limit=N]

Lists jobs newest first: id, competition, status, progress, created.
  --status=S   only queued, running, success, failed, timeout or cancelled
  --limit=N    at most N jobs (the server's default is 100)
)";

} // namespace

std::string help_text(command cmd) {
  switch (cmd) {
  case command::submit:
    return submit_help;
  case command::status:
    return status_help;
  case command::logs:
    return logs_help;
  case command::result:
    return result_help;
  case command::cancel:
    return cancel_help;
  case command::jobs:
    return jobs_help;
  case command::none:
    break;
  }
  return overview;
}

} // namespace kagent::cli
