#define CAF_SUITE sources.kaggle_errors
#include "caf/test/dsl.hpp"

#include "core/error.hpp"
#include "sources/kaggle_errors.hpp"
#include "sources/user_messages.hpp"

using namespace kagent;
using namespace kagent::sources;

namespace {

const std::string rules_body = R"({"code":403,"message":"You must accept this competition\u0027s rules before you\u0027ll be able to download files."})";

} // namespace

CAF_TEST(the error line reads as the kaggle cli prints it) {
  CAF_CHECK_EQUAL(kaggle_error_line(403, "Forbidden", rules_body),
                  "403 - Forbidden - You must accept this competition's rules before you'll be "
                  "able to download files.");
  CAF_CHECK_EQUAL(kaggle_error_line(401, "", R"({"code":401,"message":"Unauthorized"})"),
                  "401 - Unauthorized - Unauthorized");
  CAF_CHECK_EQUAL(kaggle_error_line(502, "Bad Gateway", "<html>"), "502 - Bad Gateway");
}

CAF_TEST(a 403 about the rules says where to accept them) {
  auto e = kaggle_refusal(403, "Forbidden", rules_body, "titanic", "alice");
  CAF_CHECK_EQUAL(code_of(e), errc::upstream_failed);
  CAF_CHECK_EQUAL(detail_of(e),
                  "403 - Forbidden - You must accept this competition's rules before you'll be "
                  "able to download files. Accept the rules at "
                  "https://www.kaggle.com/competitions/titanic/rules while signed in as 'alice', "
                  "then submit the job again.");
}

CAF_TEST(401 and 404 are precise too) {
  auto e = kaggle_refusal(401, "Unauthorized", R"({"code":401,"message":"Unauthorized"})", "t", "bob");
  CAF_CHECK(detail_of(e).find("rejected the API key of user 'bob'") != std::string::npos);
  CAF_CHECK(detail_of(e).find("KAGGLE_KEY") != std::string::npos);
  e = kaggle_refusal(404, "Not Found", R"({"code":404,"message":"NotFound"})", "nope", "bob");
  CAF_CHECK_EQUAL(code_of(e), errc::not_found);
  CAF_CHECK(detail_of(e).find("404 - Not Found - NotFound. Kaggle has no competition 'nope'")
            != std::string::npos);
  e = kaggle_refusal(403, "Forbidden", R"({"code":403,"message":"Permission denied"})", "t", "bob");
  CAF_CHECK(detail_of(e).find("may not download this competition") != std::string::npos);
}

CAF_TEST(a json error object with status 200 is an error as in the cli) {
  CAF_CHECK_EQUAL(kaggle_body_error(R"({"code":404,"message":"Competition not found"})"),
                  "Competition not found");
  CAF_CHECK_EQUAL(kaggle_body_error(R"({"code":200,"message":"fine"})"), "");
  CAF_CHECK_EQUAL(kaggle_body_error(R"([{"ref":"x"}])"), "");
}

CAF_TEST(progress lines are in megabytes) {
  CAF_CHECK_EQUAL(download_progress_text(34LL << 20, 120LL << 20), "downloading 34 / 120 MB");
  CAF_CHECK_EQUAL(download_progress_text(1LL << 19, 3LL << 20), "downloading 0.5 / 3.0 MB");
  CAF_CHECK_EQUAL(download_progress_text(12LL << 20, -1), "downloading 12 MB");
}

CAF_TEST(the offline miss keeps its words and the kaggle miss names every source) {
  CAF_CHECK_EQUAL(offline_miss_text("x", {"/m1", "/m2"}),
                  "competition 'x' is not in the local mirrors (/m1, /m2) and no Kaggle API "
                  "credentials are configured");
  CAF_CHECK_EQUAL(kaggle_miss_text("x", {"/m1"}, "/c", "401 - Unauthorized"),
                  "competition 'x' could not be fetched from the Kaggle API: 401 - Unauthorized. "
                  "It is not in the local mirrors (/m1) or the download cache (/c) either.");
  CAF_CHECK_EQUAL(kaggle_miss_text("x", {"/m1"}, "/c", "a zip bomb?").find("bomb?. "),
                  std::string::npos);
}
