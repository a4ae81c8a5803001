// The layers (docs/architecture.md): core <- models <- sim <- cli, bindings. An include that
// points up the stack fails here (the build would not notice: every folder is on the path).
#include <filesystem>
#include <fstream>
#include <map>
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
    // the folder of a quoted include ("core/world.hpp" -> core), or "" (no regex: GCC 12 warns
    // falsely inside std::regex under the sanitizers)
    auto included_folder = [](const std::string& line) -> std::string {
        const auto hash = line.find_first_not_of(" \t");
        if (hash == std::string::npos || line.compare(hash, 1, "#") != 0) return "";
        const auto word = line.find_first_not_of(" \t", hash + 1);
        if (word == std::string::npos || line.compare(word, 7, "include") != 0) return "";
        const auto quote = line.find('"', word + 7);
        const auto slash = line.find('/', quote);
        if (quote == std::string::npos || slash == std::string::npos) return "";
        return line.substr(quote + 1, slash - quote - 1);
    };
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
                const std::string target = included_folder(line);
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
