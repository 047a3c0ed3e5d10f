// tally: a governed metrics-definition compiler and runtime. See docs/ and `tally --help`.
#include <cstdio>
#include <exception>
#include <string>

#include "commands.h"
#include "tally/support/json.h"

int main(int argc, char** argv) {
  CLI::App app{"Tally: governed customer-metric definitions, compiled to fast scoring kernels"};
  app.set_version_flag("--version", std::string("tally ") + TALLY_VERSION);
  app.require_subcommand(1);
  tally::cli::GlobalOptions global;
  int exit_code = 0;
  tally::cli::AddCheck(app, global, exit_code);
  tally::cli::AddTest(app, global, exit_code);
  tally::cli::AddScore(app, global, exit_code);
  tally::cli::AddGovernance(app, global, exit_code);
  tally::cli::AddDemo(app, global, exit_code);
  // Names, paths and messages end up in commit trailers, lineage records and JSON, which are
  // UTF-8 text: an argument that is not UTF-8 is a usage error, refused before anything runs.
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (tally::ValidUtf8(arg) != arg) {
      std::fprintf(stderr, "tally: argument %d is not valid UTF-8: %s\n", i, tally::ValidUtf8(arg).c_str());
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // bad usage
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tally: internal error: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
