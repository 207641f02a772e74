// A registry: the entries of one extension point (model kinds, optimizers,
// schedules, suggestion rules, methods, output formats), each a plain struct
// with at least a `name` and a `help` text, in the order they were added.
// Registries are ordinary objects built by a function (builtin_optimizers()
// and the like), never filled by link-time self-registration, so that a test
// can build one with a toy entry. Parsing, --help, the man page, shell
// completions and the JSON Schema's enums all read their names from here.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lrfind/error.hpp"

namespace lrfind {

// "a", "a or b", "a, b or c".
std::string choice_list(const std::vector<std::string>& names);

// The name of `names` nearest to `typed` by edit distance (insertions,
// deletions, substitutions and swaps of neighbours, case-insensitive), or ""
// when none is close enough to be a likely typo.
std::string nearest_name(std::string_view typed, const std::vector<std::string>& names);

template <typename Entry>
class Registry {
 public:
  // `kind` names an entry in messages ("optimizer"), `option` the setting
  // that chooses one ("--optimizer").
  Registry(std::string kind, std::string option) : kind_(std::move(kind)), option_(std::move(option)) {}

  // Adds an entry; a name used twice is a programming error.
  Registry& add(Entry entry) {
    if (entry.name.empty() || find(entry.name) != nullptr)
      throw std::logic_error(kind_ + " registry: empty or repeated name '" + entry.name + "'");
    entries_.push_back(std::move(entry));
    return *this;
  }

  const Entry* find(std::string_view name) const {
    const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.name == name; });
    return it == entries_.end() ? nullptr : &*it;
  }

  // The entry of that name; throws UsageError naming the choices (and the
  // nearest one, when the name looks like a typo of it).
  const Entry& at(std::string_view name) const {
    if (const Entry* e = find(name)) return *e;
    const std::vector<std::string> all = names();
    std::string message = "unknown " + kind_ + " '" + std::string(name) + "'";
    if (const std::string near = nearest_name(name, all); !near.empty()) message += "; did you mean '" + near + "'?";
    throw UsageError(message + " (choose " + choice_list(all) + ")");
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Entry& e : entries_) out.push_back(e.name);
    return out;
  }
  const std::string& kind() const { return kind_; }
  const std::string& option() const { return option_; }
  std::size_t size() const { return entries_.size(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  std::string kind_;
  std::string option_;
  std::vector<Entry> entries_;
};

}  // namespace lrfind
