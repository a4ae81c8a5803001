// The layers (docs/architecture.md): core <- models <- sim <- cli, bindings. An include that
// points up the stack fails here (the build would not notice: every folder is on the path).
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "catch.hpp"

namespace fs = std::filesystem;

TEST_CASE("no include points against the layers", "[layers]") {
    // what each layer may include of the project's own folders
    const std::map<std::string, std::vector<std::string>> allowed{
        {"core", {"core"}},
        {"models", {"core", "models"}},
        {"sim", {"core", "models", "sim"}},
    };
    const std::regex include(R"re(^\s*#\s*include\s*"([a-z_]+)/)re");
    int files = 0;
    std::vector<std::string> wrong;
    for (const auto& [layer, may] : allowed) {
        for (const auto& entry : fs::recursive_directory_iterator(fs::path(LIFECIRCLE_SOURCE_DIR) / layer)) {
            const auto ext = entry.path().extension();
            if (ext != ".hpp" && ext != ".cpp" && ext != ".in") continue;
            ++files;
            std::ifstream in(entry.path());
            std::string line;
            for (int n = 1; std::getline(in, line); ++n) {
                std::smatch m;
                if (!std::regex_search(line, m, include)) continue;
                const std::string target = m[1];
                const bool own = target == "core" || target == "models" || target == "sim" || target == "cli" ||
                                 target == "bindings";
                if (own && std::find(may.begin(), may.end(), target) == may.end())
                    wrong.push_back(entry.path().string() + ":" + std::to_string(n) + ": " + line);
            }
        }
    }
    CHECK(files > 40);  // the folders were found
    for (const auto& w : wrong) FAIL_CHECK(w);
    CHECK(wrong.empty());
}
