// The loader on how a file's text is written: its delimiter, detected when
// not given, and its encoding (UTF-8, Latin-1, cp1252), detected when not
// given; the result the same whatever the threads and block size.
#include "load/loader.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "io/gzip_support.hpp"
#include "lrfind/error.hpp"

namespace lrfind {
namespace {

const std::string kSource = "in.csv";
using Names = std::vector<std::string>;

Dataset load(const std::string& csv, LoadOptions options = {}) {
  return load_dataset_from_bytes(csv, kSource, options);
}

std::string error_of(const std::string& csv, const LoadOptions& options = {}) {
  try {
    load(csv, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

LoadOptions classify(std::optional<char> delimiter = std::nullopt, io::Encoding encoding = io::Encoding::kDetect) {
  LoadOptions options;
  options.kind = TargetKind::kClassification;
  options.delimiter = delimiter;
  options.encoding = encoding;
  return options;
}

// The same data with the given delimiter.
std::string iris_like(char delimiter) {
  std::string csv = fmt::format("size{0}colour{0}label\n", delimiter);
  const char* colours[] = {"red", "green", "blue"};
  for (int r = 0; r < 30; ++r) csv += fmt::format("{1}.5{0}{2}{0}{3}\n", delimiter, r, colours[r % 3], r % 2);
  return csv;
}

void expect_same(const Dataset& a, const Dataset& b, const std::string& what) {
  ASSERT_EQ(a.features.rows(), b.features.rows()) << what;
  ASSERT_EQ(a.features.cols(), b.features.cols()) << what;
  EXPECT_EQ(std::memcmp(a.features.f64().data(), b.features.f64().data(), a.features.bytes()), 0) << what;
  EXPECT_EQ(a.targets, b.targets) << what;
  EXPECT_EQ(a.feature_names, b.feature_names) << what;
  EXPECT_EQ(a.classes, b.classes) << what;
  EXPECT_EQ(a.encoding, b.encoding) << what;
  EXPECT_EQ(a.not_utf8_line, b.not_utf8_line) << what;
}

// ---------------------------------------------------------------- delimiters

TEST(LoaderDelimiter, EachCandidateIsDetectedAndSaid) {
  const Dataset commas = load(iris_like(','), classify());
  for (const char delimiter : {';', '\t', '|'}) {
    const Dataset d = load(iris_like(delimiter), classify());
    EXPECT_EQ(d.delimiter, delimiter);
    EXPECT_TRUE(d.delimiter_detected);
    expect_same(commas, d, fmt::format("delimiter {}", static_cast<int>(delimiter)));
  }
  EXPECT_EQ(commas.delimiter, ',');
  EXPECT_EQ(commas.feature_names, (Names{"size", "colour=blue", "colour=green", "colour=red"}));
}

TEST(LoaderDelimiter, GzipIsSniffedFromItsDecodedText) {
  const Dataset d = load(test::gzip(iris_like(';')), classify());
  EXPECT_EQ(d.delimiter, ';');
  EXPECT_EQ(d.feature_names.size(), 4u);
}

TEST(LoaderDelimiter, AGivenDelimiterIsUsedAsItIs) {
  const Dataset d = load(iris_like(','), classify(','));
  EXPECT_FALSE(d.delimiter_detected);
  // ';' given for a comma file: the header is one column, and the error says what it looks like.
  EXPECT_EQ(error_of(iris_like(','), classify(';')),
            "in.csv:1: the header names one column; a feature and a target are needed (the file looks "
            "','-separated: try --delimiter ',')");
  EXPECT_EQ(error_of(iris_like('\t'), classify(',')),
            "in.csv:1: the header names one column; a feature and a target are needed (the file looks "
            "tab-separated: try --delimiter '\\t')");
}

TEST(LoaderDelimiter, RowErrorsNameTheLikelyDelimiter) {
  // Read with ',', the header has two fields and the rows one.
  EXPECT_EQ(error_of("a,b;c;d\n1;2;3\n4;5;6\n", classify(',')),
            "in.csv:2: row has 1 field, the header has 2 (the file looks ';'-separated: try --delimiter ';')");
  // Detected: a ragged row is only a ragged row.
  EXPECT_EQ(error_of("a;b;c\n" + std::string(30, '\n') + "1;2;3\n4;5\n"),
            "in.csv:33: row has 2 fields, the header has 3");
}

TEST(LoaderDelimiter, OneColumnWhateverTheDelimiterKeepsTheOldAdvice) {
  EXPECT_EQ(error_of("y\n1\n0\n"),
            "in.csv:1: the header names one column; a feature and a target are needed (check --delimiter)");
}

TEST(LoaderDelimiter, DecimalCommasInASemicolonFileAreStillNamed) {
  const std::string e = error_of("x;y\n1,5;1\n2,25;2\n-0,5;3\n");
  EXPECT_EQ(e.rfind("in.csv:2:1: column 'x' holds numbers written with decimal commas, like '1,5'", 0), 0u) << e;
}

TEST(LoaderDelimiter, DetectionLooksOnlyAtTheFirstRecordsWhateverTheBlocks) {
  std::string csv = "a;b;y\n";
  for (int r = 0; r < 3000; ++r) csv += fmt::format("{};x,{};{}\n", r, r % 7, r % 2);
  LoadOptions reference = classify();
  reference.threads = 1;
  const Dataset d = load(csv, reference);
  EXPECT_EQ(d.delimiter, ';');
  for (const unsigned threads : {2u, 3u})
    for (const std::size_t block : {std::size_t{64}, std::size_t{1000}, std::size_t{1} << 20}) {
      LoadOptions options = classify();
      options.threads = threads;
      options.block_bytes = block;
      expect_same(d, load(csv, options), fmt::format("threads {} block {}", threads, block));
    }
}

// ---------------------------------------------------------------- encodings

// A cp1252 file: "é" (0xE9) and "€" (0x80) in a category and in a class label.
const std::string kCp1252 =
    "price,city,label\n1,Orl\xE9\x61ns,caf\xE9\n2,Paris,5\x80\n3,K\xF6ln,caf\xE9\n4,Paris,5\x80\n5,Orl\xE9\x61ns,"
    "th\xE9\n";

TEST(LoaderEncoding, Cp1252IsDetectedAndDecoded) {
  const Dataset d = load(kCp1252, classify());
  EXPECT_EQ(d.feature_names, (Names{"price", "city=Köln", "city=Orléans", "city=Paris"}));
  EXPECT_EQ(d.classes, (Names{"5€", "café", "thé"}));
  EXPECT_EQ(d.encoding, "cp1252");
  EXPECT_EQ(d.not_utf8_line, 2);
}

TEST(LoaderEncoding, AHeaderInCp1252IsDecodedAndDecides) {
  const Dataset d = load("\n\ntemp\xE9rature,\xB0" "C,y\n1,2,3\n4,5,6\n");
  EXPECT_EQ(d.feature_names, (Names{"température", "°C"}));
  EXPECT_EQ(d.encoding, "cp1252");
  EXPECT_EQ(d.not_utf8_line, 3);
}

TEST(LoaderEncoding, Latin1GivenMaps0x80ToU0080) {
  const Dataset d = load(kCp1252, classify(std::nullopt, io::Encoding::kLatin1));
  EXPECT_EQ(d.classes, (Names{"5\u0080", "café", "thé"}));
  EXPECT_EQ(d.encoding, "latin1");
  EXPECT_EQ(d.not_utf8_line, 0);  // as asked: nothing to say
}

TEST(LoaderEncoding, Utf8GivenRefusesTheFirstBadByteByLineAndColumn) {
  EXPECT_EQ(error_of(kCp1252, classify(std::nullopt, io::Encoding::kUtf8)),
            "in.csv:2:6: not UTF-8 text: byte 0xE9 (--encoding utf-8); a file in cp1252 or Latin-1 throughout reads "
            "with --encoding cp1252 or latin1");
  EXPECT_EQ(error_of("x,caf\xE9\n1,2\n", classify(std::nullopt, io::Encoding::kUtf8)).rfind("in.csv:1:6: not UTF-8", 0),
            0u);
}

TEST(LoaderEncoding, Utf8TextIsReadAsItIs) {
  const std::string utf8 = "x,ville\n1,Orléans\n2,直径\n3,Orléans\n";
  EXPECT_EQ(load(utf8, classify()).classes, (Names{"Orléans", "直径"}));
  EXPECT_EQ(load(utf8, classify(std::nullopt, io::Encoding::kUtf8)).classes, (Names{"Orléans", "直径"}));
  EXPECT_EQ(load(utf8, classify()).encoding, "");
}

TEST(LoaderEncoding, ALateNonUtf8LineAfterAsciiMakesTheFileCp1252WhateverTheBlocks) {
  std::string csv = "x,label\n";
  for (int r = 0; r < 2000; ++r) csv += fmt::format("{},{}\n", r, r % 2 ? "plain" : "other");
  csv += "2000,caf\xE9\n2001,plain\n";
  LoadOptions reference = classify();
  reference.threads = 1;
  const Dataset d = load(csv, reference);
  EXPECT_EQ(d.classes, (Names{"café", "other", "plain"}));
  EXPECT_EQ(d.encoding, "cp1252");
  EXPECT_EQ(d.not_utf8_line, 2002);
  for (const unsigned threads : {2u, 3u, 5u})
    for (const std::size_t block : {std::size_t{64}, std::size_t{333}, std::size_t{4096}}) {
      LoadOptions options = classify();
      options.threads = threads;
      options.block_bytes = block;
      expect_same(d, load(csv, options), fmt::format("threads {} block {}", threads, block));
      expect_same(d, load(test::gzip(csv), options), fmt::format("gzip threads {} block {}", threads, block));
    }
}

TEST(LoaderEncoding, ABadByteAfterUtf8TextIsAnErrorInFileOrderWhateverTheBlocks) {
  std::string csv = "x,label\n1,Orléans\n";
  for (int r = 0; r < 2000; ++r) csv += fmt::format("{},plain\n", r);
  const std::string bad = csv + "7,caf\xE9\n8,plain\n";
  const std::string expected =
      "in.csv:2003:6: not UTF-8 text: byte 0xE9, though line 2 is UTF-8 (mixed encodings?); a file in cp1252 or "
      "Latin-1 throughout reads with --encoding cp1252 or latin1";
  // A ragged row before it comes first; one after it, later.
  const std::string ragged_before = csv + "1,2,3\n7,caf\xE9\n";
  const std::string ragged_after = bad + "1,2,3\n";
  for (const unsigned threads : {1u, 2u, 3u})
    for (const std::size_t block : {std::size_t{64}, std::size_t{500}, std::size_t{1} << 20}) {
      LoadOptions options = classify();
      options.threads = threads;
      options.block_bytes = block;
      EXPECT_EQ(error_of(bad, options), expected) << threads << " " << block;
      EXPECT_EQ(error_of(ragged_after, options), expected) << threads << " " << block;
      EXPECT_EQ(error_of(ragged_before, options),
                "in.csv:2003: row has 3 fields, the header has 2 (check --delimiter "
                "and quoting)")
          << threads << " " << block;
    }
}

TEST(LoaderEncoding, ABadByteInASkippedColumnOrTheHeaderIsStillFound) {
  // Rows of numbers with a column left out take the short path, which must not skip the bad byte.
  LoadOptions drop;
  drop.encoding = io::Encoding::kUtf8;
  drop.columns.drop = {"2"};
  const std::string csv = "x,note,y\n1,ok,0\n2,\xE9t\xE9,1\n3,ok,2\n";
  EXPECT_EQ(error_of(csv, drop).rfind("in.csv:3:3: not UTF-8 text: byte 0xE9", 0), 0u) << error_of(csv, drop);
  EXPECT_EQ(error_of("x,t\xE9,y\n1,2,0\n", classify(std::nullopt, io::Encoding::kUtf8)).rfind("in.csv:1:4:", 0), 0u);
}

TEST(LoaderEncoding, SampledRowsAreDecodedAndChecked) {
  LoadOptions options = classify();
  options.sample = 3;
  options.seed = 1;
  const Dataset d = load(kCp1252, options);
  EXPECT_EQ(d.encoding, "cp1252");
  for (const std::string& name : d.classes) EXPECT_EQ(io::first_invalid_utf8(name), std::string_view::npos);
  options.encoding = io::Encoding::kUtf8;
  options.sample = 10;
  EXPECT_EQ(error_of(kCp1252, options).rfind("in.csv:2:6: not UTF-8 text", 0), 0u) << error_of(kCp1252, options);
  // A bad byte in a later block than the header's, sampled or not.
  std::string csv = "x,label\n";
  for (int r = 0; r < 200; ++r) csv += fmt::format("{},plain\n", r);
  csv += "7,caf\xE9\n";
  options.block_bytes = 64;
  for (const std::size_t sample : {std::size_t{1}, std::size_t{1000}}) {
    options.sample = sample;
    EXPECT_EQ(error_of(csv, options).rfind("in.csv:202:6: not UTF-8 text: byte 0xE9", 0), 0u) << error_of(csv, options);
  }
}

TEST(LoaderEncoding, CharacterColumnsAfterDecodingCountCharacters) {
  // "Orléans" decoded is 8 bytes for 7 characters: the stray word's column counts characters.
  std::string csv = "city,x,y\n";
  for (int r = 0; r < 40; ++r) csv += fmt::format("Orl\xE9\x61ns,{},{}\n", r, r % 2);
  csv += "Orl\xE9\x61ns,abc,1\n";
  EXPECT_EQ(error_of(csv, classify()).rfind("in.csv:42:9: column 'x' holds numbers but also the text 'abc'", 0), 0u)
      << error_of(csv, classify());
}

}  // namespace
}  // namespace lrfind
