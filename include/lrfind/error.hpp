// Typed errors. The library throws these and never prints or exits; only the
// command-line front end catches them and maps each kind to its sysexits code.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace lrfind {

// sysexits(3) codes, plus the tool's own "ran, but no usable rate".
enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // lr-find check: the rate is outside the recommended interval
  kExitNoUsableRate = 3,
  kExitUsage = 64,     // EX_USAGE
  kExitData = 65,      // EX_DATAERR
  kExitNoInput = 66,   // EX_NOINPUT
  kExitCantCreate = 73 // EX_CANTCREAT
};

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  virtual int exit_code() const = 0;
};

// Bad options or settings (unknown model, min-lr >= max-lr, missing column...).
class UsageError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return kExitUsage; }
};

// The input was read but its content is unusable. Carries the input's name,
// the 1-based physical line (0 when no single line is to blame) and the
// 1-based character column of the cell at fault (0 when a whole row is).
// The message reads "SOURCE:LINE:COLUMN: what", dropping absent parts.
class DataError : public Error {
 public:
  DataError(std::string source, long line, const std::string& what) : DataError(std::move(source), line, 0, what) {}
  DataError(std::string source, long line, long column, const std::string& what);
  int exit_code() const override { return kExitData; }
  const std::string& source() const { return source_; }
  long line() const { return line_; }
  long column() const { return column_; }

 private:
  std::string source_;
  long line_;
  long column_;
};

// The input file is missing or unreadable.
class InputError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return kExitNoInput; }
};

// The output cannot be created or written.
class OutputError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return kExitCantCreate; }
};

}  // namespace lrfind
