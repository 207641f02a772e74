#include "io/encoding.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lrfind::io {
namespace {

std::string decoded(std::string_view text, Encoding encoding) {
  std::string out;
  append_decoded(text, encoding, out);
  return out;
}

TEST(EncodingNames, TheThreeNamesTheirAliasesAndDetect) {
  EXPECT_EQ(encoding_named("utf-8"), Encoding::kUtf8);
  EXPECT_EQ(encoding_named("UTF8"), Encoding::kUtf8);
  EXPECT_EQ(encoding_named("latin1"), Encoding::kLatin1);
  EXPECT_EQ(encoding_named("ISO-8859-1"), Encoding::kLatin1);
  EXPECT_EQ(encoding_named("cp1252"), Encoding::kCp1252);
  EXPECT_EQ(encoding_named("Windows-1252"), Encoding::kCp1252);
  EXPECT_EQ(encoding_named(""), Encoding::kDetect);
  EXPECT_EQ(encoding_named("utf-16"), std::nullopt);
  for (const std::string_view name : kEncodingNames) EXPECT_EQ(encoding_name(*encoding_named(name)), name);
}

TEST(Utf8Check, WellFormedTextPasses) {
  EXPECT_EQ(first_invalid_utf8(""), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("plain ASCII, longer than one word of eight bytes"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("température,直径,größe,😀\n"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"),
            std::string_view::npos);  // the edges of each sequence length's ranges
}

TEST(Utf8Check, MalformedSequencesAreFoundAtTheirFirstByte) {
  EXPECT_EQ(first_invalid_utf8("caf\xE9,1\n"), 3u);       // Latin-1 é: a lead byte without continuation
  EXPECT_EQ(first_invalid_utf8("ab\x80"), 2u);            // a continuation byte without lead
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xC1\xBF"), 0u);          // overlong
  EXPECT_EQ(first_invalid_utf8("\xE0\x9F\xBF"), 0u);      // overlong three-byte form
  EXPECT_EQ(first_invalid_utf8("\xED\xA0\x80"), 0u);      // a surrogate, U+D800
  EXPECT_EQ(first_invalid_utf8("\xF0\x8F\xBF\xBF"), 0u);  // overlong four-byte form
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(first_invalid_utf8("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(first_invalid_utf8("x\xFF"), 1u);
  EXPECT_EQ(first_invalid_utf8("0123456789\xC3"), 10u);  // cut by the end of the text
  EXPECT_EQ(first_invalid_utf8("0123456789\xE2\x82"), 10u);
  EXPECT_EQ(first_invalid_utf8("\xC3\xA9\xE2\x82\xAC ok \xE2\x82x"), 9u);  // after é and €, a cut euro sign
}

TEST(SingleByteDecoding, Latin1IsTheFirst256CodePoints) {
  EXPECT_EQ(decoded("caf\xE9 na\xEFve \xA0\xFF", Encoding::kLatin1), "café naïve \u00A0ÿ");
  EXPECT_EQ(decoded("\x80\x81\x9F", Encoding::kLatin1), "\u0080\u0081\u009F");
  std::string all;
  for (int b = 1; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string utf8 = decoded(all, Encoding::kLatin1);
  EXPECT_EQ(first_invalid_utf8(utf8), std::string_view::npos);
  EXPECT_EQ(utf8.size(), 127u + 2u * 128u);
}

TEST(SingleByteDecoding, Cp1252HasPunctuationAndLettersAt0x80To0x9F) {
  // Python's codecs.decode(bytes([b]), "cp1252") for each assigned byte.
  EXPECT_EQ(decoded("\x80\x82\x83\x84\x85\x86\x87\x88\x89\x8A\x8B\x8C\x8E", Encoding::kCp1252), "€‚ƒ„…†‡ˆ‰Š‹ŒŽ");
  EXPECT_EQ(decoded("\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9A\x9B\x9C\x9E\x9F", Encoding::kCp1252),
            "\u2018\u2019\u201C\u201D•–—˜™š›œžŸ");
  EXPECT_EQ(decoded("Orl\xE9\x61ns 5\x80", Encoding::kCp1252), "Orléans 5€");
  EXPECT_EQ(decoded("\xA0\xE9\xFF", Encoding::kCp1252), "\u00A0éÿ");  // from 0xA0 it is Latin-1
}

TEST(SingleByteDecoding, Cp1252UnassignedBytesKeepTheirLatin1CodePoints) {
  // As WHATWG's windows-1252 (browsers): lossless, so two texts stay two.
  EXPECT_EQ(decoded("\x81|\x8D|\x8F|\x90|\x9D", Encoding::kCp1252), "\u0081|\u008D|\u008F|\u0090|\u009D");
}

TEST(SingleByteDecoding, AsciiIsCopiedAsItIs) {
  const std::string text = "x,y\n1,2\r\n\"a\"\"b\",\0\n";
  EXPECT_EQ(decoded(text, Encoding::kCp1252), text);
}

// The decoder fed `text` cut after the given lines' line feeds.
struct Fed {
  std::string text;
  std::vector<bool> check;
};

Fed feed(TextDecoder& decoder, const std::string& text, std::size_t lines_per_run) {
  Fed fed;
  long line = 1;
  std::size_t from = 0;
  while (from < text.size()) {
    std::size_t to = from;
    for (std::size_t k = 0; k < lines_per_run && to < text.size(); ++k) {
      const std::size_t nl = text.find('\n', to);
      to = nl == std::string::npos ? text.size() : nl + 1;
    }
    std::string run = text.substr(from, to - from);
    bool ascii = true;
    for (const char c : run) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    const long lines = static_cast<long>(std::count(run.begin(), run.end(), '\n'));
    fed.check.push_back(decoder.take(run, line, ascii, from == 0));
    fed.text += run;
    line += lines;
    from = to;
  }
  return fed;
}

TEST(TextDecoder, Utf8TextIsKeptAndChecked) {
  TextDecoder decoder(Encoding::kDetect);
  const Fed fed = feed(decoder, "a,b\n1,2\n3,é\n4,ü\n", 2);
  EXPECT_EQ(fed.text, "a,b\n1,2\n3,é\n4,ü\n");
  EXPECT_EQ(fed.check, (std::vector<bool>{false, true}));
  EXPECT_EQ(decoder.encoding(), Encoding::kUtf8);
  EXPECT_FALSE(decoder.detected_single_byte());
  EXPECT_EQ(decoder.decided_line(), 3);
}

TEST(TextDecoder, AsciiStaysUndecided) {
  TextDecoder decoder(Encoding::kDetect);
  EXPECT_EQ(feed(decoder, "a,b\n1,2\n", 1).check, (std::vector<bool>{false, false}));
  EXPECT_EQ(decoder.encoding(), Encoding::kDetect);
  EXPECT_EQ(decoder.decided_line(), 0);
}

TEST(TextDecoder, TheFirstLineThatIsNotUtf8MakesTheWholeInputCp1252WhateverTheRuns) {
  // The late line holds a valid UTF-8 pair after the bad byte: still cp1252.
  const std::string text = "city,y\nParis,1\nLyon,0\nOrl\xE9\x61ns \x80 \xC3\xA9,1\nK\xF6ln,0\n";
  for (const std::size_t lines : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{100}}) {
    TextDecoder decoder(Encoding::kDetect);
    const Fed fed = feed(decoder, text, lines);
    EXPECT_EQ(fed.text, "city,y\nParis,1\nLyon,0\nOrléans € Ã©,1\nKöln,0\n") << lines;
    EXPECT_TRUE(decoder.detected_single_byte());
    EXPECT_EQ(decoder.decided_line(), 4) << lines;
    for (const bool check : fed.check) EXPECT_FALSE(check);
  }
}

TEST(TextDecoder, AByteOrderMarkMeansUtf8) {
  TextDecoder decoder(Encoding::kDetect);
  // Even when the rest of its line is not UTF-8: 0xE9 is then found by the check.
  const Fed fed = feed(decoder, "\xEF\xBB\xBFt\xE9,y\n1,1\n", 10);
  EXPECT_EQ(decoder.encoding(), Encoding::kUtf8);
  EXPECT_EQ(fed.text, "\xEF\xBB\xBFt\xE9,y\n1,1\n");
  EXPECT_EQ(fed.check, (std::vector<bool>{true}));
  TextDecoder latin1(Encoding::kLatin1);
  EXPECT_EQ(feed(latin1, "\xEF\xBB\xBFx,y\n\xE9,1\n", 10).text, "\xEF\xBB\xBFx,y\né,1\n");
}

TEST(TextDecoder, AGivenEncodingIsNeverDetected) {
  TextDecoder utf8(Encoding::kUtf8);
  EXPECT_EQ(feed(utf8, "x\n\xE9\n", 1).check, (std::vector<bool>{false, true}));
  EXPECT_EQ(utf8.decided_line(), 0);
  TextDecoder cp1252(Encoding::kCp1252);
  EXPECT_EQ(feed(cp1252, "x\n\xC3\xA9\n", 1).text, "x\nÃ©\n");
  EXPECT_FALSE(cp1252.detected_single_byte());
}

TEST(Utf8Error, NamesLineCharacterColumnByteAndWhatToTry) {
  const DataError given = utf8_error("a,b\n1,\xC3\xA9x\xE9\n", 9, 5, "in.csv", 0);
  EXPECT_EQ(given.line(), 6);
  EXPECT_EQ(given.column(), 5);  // 1 , é x: the fifth character
  EXPECT_STREQ(given.what(),
               "in.csv:6:5: not UTF-8 text: byte 0xE9 (--encoding utf-8); a file in cp1252 or Latin-1 throughout "
               "reads with --encoding cp1252 or latin1");
  EXPECT_STREQ(utf8_error("\x92", 0, 9, "in.csv", 3).what(),
               "in.csv:9:1: not UTF-8 text: byte 0x92, though line 3 is UTF-8 (mixed encodings?); a file in cp1252 or "
               "Latin-1 throughout reads with --encoding cp1252 or latin1");
}

}  // namespace
}  // namespace lrfind::io
