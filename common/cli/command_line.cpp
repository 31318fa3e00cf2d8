#include "common/cli/command_line.h"

#include <algorithm>

namespace ferry::cli {

std::string ParsedCommand::get(const std::string& option, const std::string& fallback) const {
  auto it = options.find(option);
  return it == options.end() ? fallback : it->second;
}

namespace {

const OptionSpec* findOption(const std::string& name, const std::vector<OptionSpec>& a,
                             const std::vector<OptionSpec>& b) {
  for (const auto* list : {&a, &b}) {
    for (const auto& o : *list) {
      if (o.name == name) return &o;
    }
  }
  return nullptr;
}

std::size_t wordCount(const std::string& s) {
  if (s.empty()) return 0;
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), ' ')) + 1;
}

}  // namespace

Result<ParsedCommand> parseCommandLine(const std::vector<std::string>& argv,
                                       const std::vector<CommandSpec>& commands,
                                       const std::vector<OptionSpec>& globalOptions) {
  // Pass 1: split words from options so the command can be picked from the leading words.
  std::vector<std::string> words;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      for (++i; i < argv.size(); ++i) words.push_back(argv[i]);
      break;
    }
    if (a.size() > 1 && a[0] == '-') {
      // Skip the value of a value-taking option so it is not taken for a command word.
      std::string name = a.substr(a.rfind('-', 1) == 1 ? 2 : 1);
      if (name.find('=') != std::string::npos) continue;
      bool takesValue = false;
      if (const OptionSpec* o = findOption(name, globalOptions, {})) takesValue = o->takesValue;
      for (const auto& c : commands) {
        for (const auto& o : c.options) takesValue = takesValue || (o.name == name && o.takesValue);
      }
      if (takesValue) ++i;
      continue;
    }
    words.push_back(a);
  }

  const CommandSpec* chosen = nullptr;
  for (const auto& c : commands) {
    std::size_t n = wordCount(c.name);
    if (n > words.size()) continue;
    std::string joined;
    for (std::size_t i = 0; i < n; ++i) joined += (i ? " " : "") + words[i];
    if (joined == c.name && (!chosen || n > wordCount(chosen->name))) chosen = &c;
  }
  if (!chosen) {
    std::string word = words.empty() ? "" : words[0];
    return Status::invalidArgument("unknown command '" + word + "' (see --help)");
  }

  // Pass 2: options and positional arguments for the chosen command.
  ParsedCommand parsed;
  parsed.command = chosen;
  std::size_t skipWords = wordCount(chosen->name);
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      for (++i; i < argv.size(); ++i) parsed.args.push_back(argv[i]);
      break;
    }
    if (a.size() > 1 && a[0] == '-') {
      std::string name = a.substr(a.rfind("--", 0) == 0 ? 2 : 1);
      std::string value;
      bool inlineValue = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inlineValue = true;
      }
      const OptionSpec* o = findOption(name, globalOptions, chosen->options);
      if (!o) {
        std::string where = chosen->name.empty() ? "" : " for '" + chosen->name + "'";
        return Status::invalidArgument("unknown option '" + a + "'" + where + " (see --help)");
      }
      if (o->takesValue && !inlineValue) {
        if (i + 1 >= argv.size()) {
          return Status::invalidArgument("option '--" + name + "' needs a value (" + o->valueName +
                                         ")");
        }
        value = argv[++i];
      } else if (!o->takesValue) {
        if (inlineValue) {
          return Status::invalidArgument("option '--" + name + "' takes no value");
        }
        value = "true";
      }
      parsed.options[name] = value;
      continue;
    }
    if (skipWords > 0) {
      --skipWords;
      continue;
    }
    parsed.args.push_back(a);
  }
  if (parsed.options.count("help") || parsed.options.count("version")) return parsed;
  if (parsed.args.size() < chosen->minArgs) {
    return Status::invalidArgument("'" + chosen->name + "' needs " + chosen->usage);
  }
  if (parsed.args.size() > chosen->maxArgs) {
    std::string what = chosen->name.empty() ? "unknown command" : "unexpected argument";
    return Status::invalidArgument(what + " '" + parsed.args[chosen->maxArgs] + "' (see --help)");
  }
  return parsed;
}

std::string helpText(const std::string& program, const std::string& description,
                     const std::vector<CommandSpec>& commands,
                     const std::vector<OptionSpec>& globalOptions) {
  auto pad = [](std::string s, std::size_t width) {
    if (s.size() < width) s.resize(width, ' ');
    return s + " ";
  };
  std::string out = program + " — " + description + "\n\nUsage:\n";
  for (const auto& c : commands) {
    std::string line = program + (c.name.empty() ? "" : " " + c.name);
    if (!c.usage.empty()) line += " " + c.usage;
    out += "  " + pad(line, 50) + c.summary + (c.available ? "" : " [not yet available]") + "\n";
  }
  out += "\nOptions (every command):\n";
  for (const auto& o : globalOptions) {
    std::string flag = "--" + o.name + (o.takesValue ? " " + o.valueName : "");
    out += "  " + pad(flag, 24) + o.help + "\n";
  }
  out += "\nExit status: 0 success, 1 the work failed, 2 usage or configuration error.\n";
  return out;
}

}  // namespace ferry::cli
