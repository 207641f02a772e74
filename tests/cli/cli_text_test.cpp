// End-to-end tests of how the input's text is written (README "What it
// does", step 1): the delimiter, detected when --delimiter is not given and
// said on stderr when it is not the comma, and the encoding, UTF-8 or cp1252
// (detected, with a warning), or as --encoding says; from a file, gzip data
// and standard input.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"
#include "io/gzip_support.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::json;
using testing::CliResult;
using testing::read_file;
using testing::run_cli;
using testing::ScopedTempDir;
using testing::write_file;


using testing::concat;

const std::vector<std::string> kQuickRange = {"--method", "range", "--steps", "30"};

// The lines of stderr that are warnings.
std::vector<std::string> warnings(const std::string& err) {
  std::vector<std::string> found;
  std::size_t from = 0;
  for (std::size_t end; (end = err.find('\n', from)) != std::string::npos; from = end + 1)
    if (err.compare(from, 18, "lr-find: warning: ") == 0) found.push_back(err.substr(from, end - from));
  return found;
}

// A run that succeeded, with its JSON and its warnings.
struct Ok {
  Json json;
  std::vector<std::string> warnings;
};

Ok run_ok(const std::vector<std::string>& args, const std::string& stdin_text = "") {
  const CliResult r = run_cli(args, stdin_text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return {};
  return Ok{Json::parse(r.out), warnings(r.err)};
}

// A failure: exactly one line `lr-find: error: ...`, nothing on stdout.
::testing::AssertionResult fails_with(const CliResult& r, int exit_code, const std::string& fragment) {
  if (r.exit_code != exit_code)
    return ::testing::AssertionFailure() << "exit " << r.exit_code << ", expected " << exit_code << "; " << r.err;
  if (!r.out.empty()) return ::testing::AssertionFailure() << "stdout is not empty";
  if (r.err.rfind("lr-find: error: ", 0) != 0 || std::count(r.err.begin(), r.err.end(), '\n') != 1)
    return ::testing::AssertionFailure() << "stderr is not one error line: " << r.err;
  if (r.err.find(fragment) == std::string::npos)
    return ::testing::AssertionFailure() << "stderr lacks '" << fragment << "': " << r.err;
  return ::testing::AssertionSuccess();
}

std::string diabetes_with(char delimiter) {
  std::string text = read_file(std::string(LRFIND_SOURCE_DIR) + "/data/diabetes.csv");
  std::replace(text.begin(), text.end(), ',', delimiter);
  return text;
}

std::string detected(const std::string& path, const std::string& name) {
  return fmt::format("lr-find: warning: {}: delimiter {} detected from the header and first rows (--delimiter sets "
                     "another)",
                     path, name);
}

// ---------------------------------------------------------------- delimiters

TEST(CliDelimiter, SemicolonTabAndPipeAreDetectedAndSaid) {
  ScopedTempDir dir;
  const std::vector<std::string> options = concat({"--model", "linear"}, kQuickRange);
  const Ok commas = run_ok(concat({"data/diabetes.csv"}, options));
  EXPECT_TRUE(commas.warnings.empty());
  EXPECT_EQ(commas.json.at("config").at("delimiter"), ",");
  for (const auto& [delimiter, name] : {std::pair{';', "';'"}, std::pair{'\t', "tab"}, std::pair{'|', "'|'"}}) {
    const std::string path = dir.path("data.txt");
    write_file(path, diabetes_with(delimiter));
    const Ok ok = run_ok(concat({path}, options));
    EXPECT_EQ(ok.warnings, std::vector<std::string>{detected(path, name)});
    EXPECT_EQ(ok.json.at("config").at("delimiter"), std::string(1, delimiter));
    EXPECT_EQ(ok.json.at("dataset").at("feature_names"), commas.json.at("dataset").at("feature_names"));
    EXPECT_EQ(ok.json.at("range_test"), commas.json.at("range_test")) << name;
  }
}

TEST(CliDelimiter, AGivenDelimiterWinsAndAWrongOneNamesTheLikelyOne) {
  ScopedTempDir dir;
  const std::string path = dir.path("semi.csv");
  write_file(path, diabetes_with(';'));
  const Ok given = run_ok(concat({path, "--model", "linear", "--delimiter", ";"}, kQuickRange));
  EXPECT_TRUE(given.warnings.empty());  // as asked: nothing to say
  EXPECT_EQ(given.json.at("config").at("delimiter"), ";");
  EXPECT_TRUE(fails_with(run_cli(concat({path, "--model", "linear", "--delimiter", ","}, kQuickRange)), 65,
                         path + ":1: the header names one column; a feature and a target are needed (the file looks "
                                "';'-separated: try --delimiter ';')"));
  EXPECT_TRUE(fails_with(run_cli(concat({"data/iris.csv", "--model", "svm", "--delimiter", "\\t"}, kQuickRange)), 65,
                         "(the file looks ','-separated: try --delimiter ',')"));
}

TEST(CliDelimiter, DecimalCommasInASemicolonFileAreStillNamed) {
  ScopedTempDir dir;
  const std::string path = dir.path("german.csv");
  std::string text = "gewicht;preis;klasse\n";
  for (int r = 0; r < 20; ++r) text += fmt::format("{},{};{};{}\n", r, r % 10, 3 * r, r % 2);
  write_file(path, text);
  EXPECT_TRUE(fails_with(run_cli(concat({path, "--model", "logistic"}, kQuickRange)), 65,
                         path + ":2:1: column 'gewicht' holds numbers written with decimal commas, like '0,0'"));
}

TEST(CliDelimiter, GzipAndStandardInputAreDetected) {
  ScopedTempDir dir;
  const std::vector<std::string> options = concat({"--model", "linear"}, kQuickRange);
  const Json commas = run_ok(concat({"data/diabetes.csv"}, options)).json;
  const std::string gz = test::gzip(diabetes_with('\t'));
  write_file(dir.path("tabs.tsv.gz"), gz);
  for (const Ok& ok : {run_ok(concat({dir.path("tabs.tsv.gz")}, options)), run_ok(concat({"-"}, options), gz),
                       run_ok(concat({"-"}, options), diabetes_with('\t'))}) {
    EXPECT_EQ(ok.json.at("config").at("delimiter"), "\t");
    EXPECT_EQ(ok.json.at("range_test"), commas.at("range_test"));
    EXPECT_EQ(ok.warnings.size(), 1u);
  }
  EXPECT_EQ(run_ok(concat({"-"}, options), gz).warnings, std::vector<std::string>{detected("<stdin>", "tab")});
}

// ---------------------------------------------------------------- encodings

// Cities and drinks in cp1252: é is 0xE9, ö 0xF6, € 0x80 (not Latin-1's).
const std::string kCp1252 =
    "size,city,drink\n0.5,Orl\xE9\x61ns,caf\xE9\n1.5,K\xF6ln,5\x80\n2.5,Orl\xE9\x61ns,th\xE9\n3.5,Paris,caf\xE9\n"
    "4.5,K\xF6ln,5\x80\n5.5,Paris,th\xE9\n6.5,Orl\xE9\x61ns,caf\xE9\n7.5,Paris,5\x80\n";

std::string not_utf8(const std::string& path, long line) {
  return fmt::format("lr-find: warning: {}: not UTF-8 text (line {}): read as cp1252 (--encoding sets utf-8, latin1 "
                     "or cp1252)",
                     path, line);
}

TEST(CliEncoding, Cp1252IsDetectedDecodedAndWarned) {
  ScopedTempDir dir;
  const std::string path = dir.path("drinks.csv");
  write_file(path, kCp1252);
  const Ok ok = run_ok(concat({path, "--model", "logistic"}, kQuickRange));
  EXPECT_EQ(ok.warnings, std::vector<std::string>{not_utf8(path, 2)});
  const Json& data = ok.json.at("dataset");
  EXPECT_EQ(data.at("feature_names"), Json({"size", "city=Köln", "city=Orléans", "city=Paris"}));
  EXPECT_EQ(data.at("classes"), Json({"5€", "café", "thé"}));
  EXPECT_EQ(data.at("encoding"), "cp1252");
  // The same text in UTF-8 reads the same, silently and without an encoding in the report.
  write_file(dir.path("utf8.csv"), "size,city,drink\n0.5,Orléans,café\n1.5,Köln,5€\n2.5,Orléans,thé\n3.5,Paris,café\n"
                                   "4.5,Köln,5€\n5.5,Paris,thé\n6.5,Orléans,café\n7.5,Paris,5€\n");
  const Ok utf8 = run_ok(concat({dir.path("utf8.csv"), "--model", "logistic"}, kQuickRange));
  EXPECT_TRUE(utf8.warnings.empty());
  EXPECT_FALSE(utf8.json.at("dataset").contains("encoding"));
  EXPECT_EQ(utf8.json.at("dataset").at("classes"), data.at("classes"));
  EXPECT_EQ(utf8.json.at("range_test"), ok.json.at("range_test"));
}

TEST(CliEncoding, ALateNonUtf8LineDecodesTheWholeInputWhateverTheBlocksAndThreads) {
  // About 6 MB of ASCII rows (more than one 4 MiB block), then one cp1252 label.
  ScopedTempDir dir;
  std::string text = "x1,x2,label\n";
  for (int r = 0; text.size() < (6u << 20); ++r)
    text += fmt::format("{}.25,{}.5,{}\n", r % 97, r % 13, r % 2 ? "tea" : "beer");
  const long late_line = static_cast<long>(std::count(text.begin(), text.end(), '\n')) + 1;
  text += "3.25,1.5,caf\xE9\n";
  const std::string path = dir.path("late.csv");
  write_file(path, text);
  const std::vector<std::string> options = {"--model", "logistic", "--method", "range", "--steps", "5"};
  for (const std::string threads : {"1", "2"}) {
    const Ok ok = run_ok(concat({path, "--threads", threads}, options));
    EXPECT_EQ(ok.json.at("dataset").at("classes"), Json({"beer", "café", "tea"})) << threads;
    EXPECT_EQ(ok.warnings, std::vector<std::string>{not_utf8(path, late_line)}) << threads;
  }
  const Ok piped = run_ok(concat({"-"}, options), test::gzip(text));
  EXPECT_EQ(piped.json.at("dataset").at("classes"), Json({"beer", "café", "tea"}));
  EXPECT_EQ(piped.warnings, std::vector<std::string>{not_utf8("<stdin>", late_line)});
}

TEST(CliEncoding, GivenEncodingsAreUsedAsTheyAreAndUtf8IsStrict) {
  ScopedTempDir dir;
  const std::string path = dir.path("drinks.csv");
  write_file(path, kCp1252);
  const std::vector<std::string> options = concat({"--model", "logistic"}, kQuickRange);
  const Ok latin1 = run_ok(concat({path, "--encoding", "latin1"}, options));
  EXPECT_TRUE(latin1.warnings.empty());
  EXPECT_EQ(latin1.json.at("dataset").at("classes"), Json({"5\u0080", "café", "thé"}));
  EXPECT_EQ(latin1.json.at("dataset").at("encoding"), "latin1");
  const Ok cp1252 = run_ok(concat({path, "--encoding", "cp1252"}, options));
  EXPECT_TRUE(cp1252.warnings.empty());
  EXPECT_EQ(cp1252.json.at("dataset").at("classes"), Json({"5€", "café", "thé"}));
  EXPECT_TRUE(fails_with(run_cli(concat({path, "--encoding", "utf-8"}, options)), 65,
                         path + ":2:8: not UTF-8 text: byte 0xE9 (--encoding utf-8); a file in cp1252 or Latin-1 "
                                "throughout reads with --encoding cp1252 or latin1"));
  EXPECT_TRUE(fails_with(run_cli(concat({"-", "--encoding", "utf-8"}, options), kCp1252), 65, "<stdin>:2:8:"));
  EXPECT_TRUE(fails_with(run_cli(concat({path, "--encoding", "utf-16"}, options)), 64,
                         "--encoding must be utf-8, latin1 or cp1252, not 'utf-16'"));
}

TEST(CliEncoding, MixedEncodingsAreRefusedAtTheFirstBadByte) {
  const std::string path = "tests/corpus/utf8-then-cp1252.csv";
  EXPECT_TRUE(fails_with(run_cli(concat({path, "--model", "logistic"}, kQuickRange)), 65,
                         path + ":5:6: not UTF-8 text: byte 0xF6, though line 2 is UTF-8 (mixed encodings?)"));
  const Ok as_cp1252 = run_ok(concat({path, "--model", "logistic", "--encoding", "cp1252"}, kQuickRange));
  EXPECT_EQ(as_cp1252.json.at("dataset").at("feature_names"),
            Json({"size", "city=Köln", "city=OrlÃ©ans", "city=Paris"}));
}

TEST(CliText, GzipSemicolonsInCp1252FromAFileAndStandardInput) {
  ScopedTempDir dir;
  std::string semicolons = kCp1252;
  std::replace(semicolons.begin(), semicolons.end(), ',', ';');
  const std::string gz = test::gzip(semicolons);
  write_file(dir.path("drinks.csv.gz"), gz);
  const std::vector<std::string> options = concat({"--model", "logistic"}, kQuickRange);
  for (const auto& [source, ok] : {std::pair{dir.path("drinks.csv.gz"), run_ok(concat({dir.path("drinks.csv.gz")},
                                                                                       options))},
                                   std::pair{std::string("<stdin>"), run_ok(concat({"-"}, options), gz)}}) {
    EXPECT_EQ(ok.warnings, (std::vector<std::string>{detected(source, "';'"), not_utf8(source, 2)}));
    EXPECT_EQ(ok.json.at("dataset").at("classes"), Json({"5€", "café", "thé"}));
    EXPECT_EQ(ok.json.at("config").at("delimiter"), ";");
  }
}

TEST(CliText, QuietSilencesTheNotesAndAConfigFileSetsThem) {
  ScopedTempDir dir;
  std::string semicolons = kCp1252;
  std::replace(semicolons.begin(), semicolons.end(), ',', ';');
  write_file(dir.path("drinks.csv"), semicolons);
  const CliResult quiet = run_cli(concat({dir.path("drinks.csv"), "--model", "logistic", "-q"}, kQuickRange));
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.err, "");
  write_file(dir.path("lr.toml"), "encoding = \"latin1\"\ndelimiter = \";\"\n");
  const Ok configured =
      run_ok(concat({dir.path("drinks.csv"), "--model", "logistic", "--config", dir.path("lr.toml")}, kQuickRange));
  EXPECT_TRUE(configured.warnings.empty());
  EXPECT_EQ(configured.json.at("dataset").at("encoding"), "latin1");
}

}  // namespace
}  // namespace lrfind
