#pragma once
// Shared fixtures for the C++ tests: small hand-built networks and temporary files.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

#include "core/scenario.hpp"
#include "core/walk_network.hpp"

namespace lifecircle::test {

/// Builds a network from (from, to, length) triples over nodes 0..n-1 placed on a line.
inline WalkNetwork line_network(std::size_t n, const std::vector<std::tuple<int, int, double>>& edges,
                                bool keep_largest = false) {
    std::vector<std::int64_t> ids(n);
    std::vector<double> x(n), y(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        ids[i] = static_cast<std::int64_t>(i);
        x[i] = 10.0 * static_cast<double>(i);
    }
    std::vector<std::int64_t> from, to;
    std::vector<double> len;
    for (const auto& [a, b, l] : edges) {
        from.push_back(a);
        to.push_back(b);
        len.push_back(l);
    }
    return WalkNetwork::from_arrays(ids, x, y, from, to, len, keep_largest, "test");
}

/// A fresh temporary directory, removed with the object.
class TempDir {
  public:
    TempDir() {
        static int counter = 0;
        m_path = std::filesystem::temp_directory_path() /
                 ("lifecircle-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    std::string file(const std::string& name, const std::string& content = "") const {
        const auto p = (m_path / name).string();
        if (!content.empty()) std::ofstream(p) << content;
        return p;
    }
    std::filesystem::path path() const { return m_path; }

  private:
    std::filesystem::path m_path;
};

/// configs/tiny.toml: two districts, about 2,000 residents, five categories.
inline Scenario tiny_scenario() { return load_scenario(std::string(LIFECIRCLE_SOURCE_DIR) + "/configs/tiny.toml"); }

/// The shared real-data folder, or "" when it is absent (a user's own clone).
inline std::string shared_data(const std::string& name) {
    const std::string p = std::string(LIFECIRCLE_SHARED_DATA) + "/" + name;
    return std::filesystem::exists(p) ? p : "";
}

}  // namespace lifecircle::test
